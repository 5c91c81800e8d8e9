export const Scope = {
  Read: 'registries:read',
  Write: 'registries:write',
  Credentials: 'registries:credentials',
  Audit: 'registries:audit',
} as const;

export type Scope = (typeof Scope)[keyof typeof Scope];

/**
 * `registries:write` implies `registries:read`; `registries:credentials` and `registries:audit`
 * imply nothing, and nothing implies them. A Map,
 * not an object literal: a claim naming `constructor` or `__proto__` must not reach
 * Object.prototype (that threw, and turned a valid token into a 401).
 */
const IMPLIED: ReadonlyMap<string, readonly Scope[]> = new Map([[Scope.Write, [Scope.Read]]]);

/** The scopes a token grants, from its space-separated OAuth 2 `scope` claim. */
export function grantedScopes(claim: unknown): ReadonlySet<string> {
  const granted = new Set<string>();
  if (typeof claim !== 'string') return granted;
  for (const scope of claim.split(' ')) {
    if (scope === '') continue;
    granted.add(scope);
    for (const implied of IMPLIED.get(scope) ?? []) granted.add(implied);
  }
  return granted;
}
