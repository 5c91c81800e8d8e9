import fc from 'fast-check';
import { grantedScopes, Scope } from './scopes';

const KNOWN: readonly string[] = Object.values(Scope);

/** The known scopes a claim grants, sorted; unknown entries in the set grant nothing. */
const known = (claim: unknown): string[] =>
  [...grantedScopes(claim)].filter((scope) => KNOWN.includes(scope)).sort();

describe('grantedScopes', () => {
  it.each([
    ['read', 'registries:read', [Scope.Read]],
    ['write implies read', 'registries:write', [Scope.Read, Scope.Write]],
    ['credentials implies nothing', 'registries:credentials', [Scope.Credentials]],
    ['audit implies nothing', 'registries:audit', [Scope.Audit]],
    [
      'nothing implies audit',
      'registries:write registries:read registries:credentials',
      [Scope.Credentials, Scope.Read, Scope.Write],
    ],
    [
      'several, space-separated',
      'registries:read registries:credentials',
      [Scope.Credentials, Scope.Read],
    ],
    [
      'all four',
      'registries:credentials registries:write registries:read registries:audit',
      [...KNOWN].sort(),
    ],
    ['repeated', 'registries:read registries:read', [Scope.Read]],
    ['extra spaces', '  registries:read   registries:write ', [Scope.Read, Scope.Write]],
    ['unknown scopes among known ones', 'openid registries:read profile', [Scope.Read]],
  ])('%s', (_name, claim, expected) => {
    expect(known(claim)).toEqual(expected);
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only unknown scopes', 'openid profile email'],
    ['different case (scopes are case-sensitive)', 'REGISTRIES:READ Registries:Write'],
    ['comma-separated (not OAuth 2 syntax)', 'registries:read,registries:write'],
    ['a prefix of a scope', 'registries registries:'],
    ['a scope with a suffix', 'registries:readonly registries:write:all'],
  ])('grants nothing for %s', (_name, claim) => {
    expect(known(claim)).toEqual([]);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a boolean', true],
    ['an array of scopes', ['registries:read', 'registries:write']],
    ['an object', { 'registries:read': true }],
  ])('grants no scope at all for a non-string claim: %s', (_name, claim) => {
    expect(grantedScopes(claim).size).toBe(0);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'treats the Object.prototype name %s as just another unknown scope',
    (name) => {
      expect(known(`${name} registries:read`)).toEqual([Scope.Read]);
      expect(known(name)).toEqual([]);
    },
  );

  it('never throws and grants only what the claim names (plus read for write)', () => {
    const token = fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (tokens) => {
        const claim = tokens.join(' ');
        const named = new Set(claim.split(' '));
        const granted = known(claim);
        for (const scope of granted) {
          const impliedByWrite = scope === Scope.Read && named.has(Scope.Write);
          expect(named.has(scope) || impliedByWrite).toBe(true);
        }
        for (const scope of KNOWN) {
          if (named.has(scope)) expect(granted).toContain(scope);
        }
      }),
    );
  });
});
