/** One page of names from a registry list (`/v2/_catalog`, `/v2/<name>/tags/list`). */
export interface NamePage {
  names: string[];
  /** The `last` to ask for the next page; null at the end. */
  next: string | null;
}

/**
 * The `last` of the registry's `Link: </v2/_catalog?last=…&n=…>; rel="next"` header (RFC 8288),
 * or undefined without a next link.
 */
export function nextFromLink(link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  for (const part of link.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match === null || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(match[2])) continue;
    const last = new URL(match[1], 'http://registry.invalid').searchParams.get('last');
    return last === null || last === '' ? undefined : last;
  }
  return undefined;
}

/**
 * The page to answer from what the registry sent for `n` and `last` (CONTRACT §13). A registry
 * that honoured both gives the page as it is, `next` from its Link header or, without one, the
 * last name of a full page. One that ignored them (more than `n` names, or names not after
 * `last`) sent its full list: the page is cut from it, in its order, after `last`.
 */
export function pageOf(
  names: readonly string[],
  n: number,
  last: string | undefined,
  linkNext: string | undefined,
): NamePage {
  const ignoredLast = last !== undefined && names.some((name) => name <= last);
  if (!ignoredLast && names.length <= n) {
    const next = linkNext ?? (names.length === n && n > 0 ? names[n - 1] : undefined);
    return { names: [...names], next: next ?? null };
  }
  const start = ignoredLast ? afterLast(names, last) : 0;
  const page = names.slice(start, start + n);
  const more = start + page.length < names.length;
  return { names: page, next: more && page.length > 0 ? page[page.length - 1] : null };
}

/** Where the names after `last` begin: after `last` itself when listed, else after those before it. */
function afterLast(names: readonly string[], last: string): number {
  const index = names.indexOf(last);
  if (index >= 0) return index + 1;
  const firstAfter = names.findIndex((name) => name > last);
  return firstAfter < 0 ? names.length : firstAfter;
}
