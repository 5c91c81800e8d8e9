import { BadRequestException } from '@nestjs/common';
import { entityTag, matchesStrongly, matchesWeakly, parseEntityTagCondition } from './entity-tags';

const parse = (value: string) => parseEntityTagCondition(value, 'If-Match');

describe('entity tags', () => {
  it('writes a version as a strong tag', () => {
    expect(entityTag(7)).toBe('"7"');
  });

  it('reads absent as undefined and * as any', () => {
    expect(parseEntityTagCondition(undefined, 'If-Match')).toBeUndefined();
    expect(parse('*')).toBe('*');
    expect(parse('  * ')).toBe('*');
  });

  it.each([
    ['"3"', [{ weak: false, opaque: '3' }]],
    ['W/"3"', [{ weak: true, opaque: '3' }]],
    [
      '"1", W/"2" ,"3"',
      [
        { weak: false, opaque: '1' },
        { weak: true, opaque: '2' },
        { weak: false, opaque: '3' },
      ],
    ],
    [
      '"a", , "b",',
      [
        { weak: false, opaque: 'a' },
        { weak: false, opaque: 'b' },
      ],
    ],
    ['""', [{ weak: false, opaque: '' }]],
  ])('parses %s', (value, tags) => {
    expect(parse(value)).toEqual(tags);
  });

  it.each(['3', '"3', 'w/"3"', '"3" "4"', '"a"b"', '*, "3"', ',', '"\u0001"', 'W/ "3"'])(
    'refuses %j with a 400 naming the header',
    (value) => {
      let error: unknown;
      try {
        parse(value);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(BadRequestException);
      expect(JSON.stringify((error as BadRequestException).getResponse())).toContain('If-Match');
    },
  );

  it('compares strongly for If-Match: a weak tag never matches', () => {
    expect(matchesStrongly(parse('"1", "3"')!, '"3"')).toBe(true);
    expect(matchesStrongly(parse('W/"3"')!, '"3"')).toBe(false);
    expect(matchesStrongly(parse('"4"')!, '"3"')).toBe(false);
    expect(matchesStrongly('*', '"3"')).toBe(true);
  });

  it('compares weakly for If-None-Match', () => {
    expect(matchesWeakly(parse('W/"3"')!, '"3"')).toBe(true);
    expect(matchesWeakly(parse('"3"')!, '"3"')).toBe(true);
    expect(matchesWeakly(parse('"4"')!, '"3"')).toBe(false);
    expect(matchesWeakly('*', '"3"')).toBe(true);
  });
});
