export const Scope = {
  Read: 'registries:read',
  Write: 'registries:write',
  Credentials: 'registries:credentials',
} as const;

export type Scope = (typeof Scope)[keyof typeof Scope];

/** `registries:write` implies `registries:read`; `registries:credentials` implies nothing. */
const IMPLIED: Partial<Record<string, readonly Scope[]>> = {
  [Scope.Write]: [Scope.Read],
};

/** The scopes a token grants, from its space-separated OAuth 2 `scope` claim. */
export function grantedScopes(claim: unknown): ReadonlySet<string> {
  const granted = new Set<string>();
  if (typeof claim !== 'string') return granted;
  for (const scope of claim.split(' ')) {
    if (scope === '') continue;
    granted.add(scope);
    for (const implied of IMPLIED[scope] ?? []) granted.add(implied);
  }
  return granted;
}
