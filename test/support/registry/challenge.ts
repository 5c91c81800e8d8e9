export interface AuthChallenge {
  /** 'basic' or 'bearer', lower-cased. */
  scheme: string;
  /** The auth-params, e.g. realm, service, scope, error. */
  params: Record<string, string>;
}

/** Parses one `WWW-Authenticate` challenge such as `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string | undefined): AuthChallenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header ?? '');
  if (match === null) return undefined;
  const params: Record<string, string> = {};
  for (const [, name, quoted, token] of match[2].matchAll(/([\w-]+)=(?:"([^"]*)"|([^\s,]*))/g)) {
    params[name.toLowerCase()] = quoted ?? token;
  }
  return { scheme: match[1].toLowerCase(), params };
}
