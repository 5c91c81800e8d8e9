export interface Challenge {
  /** Lower case: 'basic', 'bearer', or whatever else the server named. */
  scheme: string;
  params: Record<string, string>;
}

const PARAM = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;

/**
 * Reads the first challenge of a WWW-Authenticate header, as registries send it:
 * `Bearer realm="https://auth.example.com/token",service="registry",scope="…"` or
 * `Basic realm="Registry"`.
 */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  const match = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(header ?? '');
  if (match === null) return undefined;
  const params: Record<string, string> = {};
  for (const [, name, quoted, bare] of match[2].matchAll(PARAM)) {
    params[name.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
  }
  return { scheme: match[1].toLowerCase(), params };
}
