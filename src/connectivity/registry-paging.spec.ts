import { nextFromLink, pageOf } from './registry-paging';

describe('nextFromLink', () => {
  it.each([
    ['</v2/_catalog?last=b&n=2>; rel="next"', 'b'],
    ['<https://r.example.com/v2/app/tags/list?n=2&last=v2>; rel=next', 'v2'],
    ['<a>; rel="prev", </v2/_catalog?last=team%2Fapp&n=2>; rel="next"', 'team/app'],
  ])('%s → %s', (link, next) => {
    expect(nextFromLink(link)).toBe(next);
  });

  it.each([
    undefined,
    '',
    '</v2/_catalog?n=2>; rel="next"',
    '</v2/_catalog?last=b>; rel="prev"',
    'garbage',
  ])('is undefined for %p', (link) => {
    expect(nextFromLink(link)).toBeUndefined();
  });
});

describe('pageOf', () => {
  it('takes a page the registry cut itself, next from its Link header', () => {
    expect(pageOf(['a', 'b'], 2, undefined, 'b')).toEqual({ names: ['a', 'b'], next: 'b' });
    expect(pageOf(['c'], 2, 'b', undefined)).toEqual({ names: ['c'], next: null });
  });

  it('takes the last name of a full page as next when there is no Link header', () => {
    expect(pageOf(['a', 'b'], 2, undefined, undefined)).toEqual({ names: ['a', 'b'], next: 'b' });
    expect(pageOf(['a'], 2, undefined, undefined)).toEqual({ names: ['a'], next: null });
    expect(pageOf([], 2, 'z', undefined)).toEqual({ names: [], next: null });
  });

  it('pages over the full list of a registry that ignores n', () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    expect(pageOf(all, 2, undefined, undefined)).toEqual({ names: ['a', 'b'], next: 'b' });
    expect(pageOf(all, 2, 'b', undefined)).toEqual({ names: ['c', 'd'], next: 'd' });
    expect(pageOf(all, 2, 'd', undefined)).toEqual({ names: ['e'], next: null });
    expect(pageOf(all, 5, undefined, undefined)).toEqual({ names: all, next: 'e' });
  });

  it('pages over the full list of a registry that ignores last, in its order', () => {
    const all = ['a', 'b', 'c'];
    expect(pageOf(all, 10, 'a', undefined)).toEqual({ names: ['b', 'c'], next: null });
    // A `last` that is not in the list: the names after it.
    expect(pageOf(all, 1, 'bb', undefined)).toEqual({ names: ['c'], next: null });
    expect(pageOf(all, 2, 'c', undefined)).toEqual({ names: [], next: null });
  });
});
