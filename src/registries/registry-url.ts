import { BlockList, isIP } from 'node:net';
import { domainToUnicode } from 'node:url';

export const DOCKER_HUB_URL = 'https://registry-1.docker.io';

const MAX_LENGTH = 512;
const ALLOWED_SCHEMES = new Set(['http', 'https']);
const DOCKER_HUB_HOSTS = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);
// The legacy v1 API address `https://index.docker.io/v1/` is still what docker's own config uses.
const DOCKER_HUB_LEGACY = { host: 'index.docker.io', path: '/v1' };

const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
// BlockList also matches IPv4-mapped IPv6 addresses (::ffff:169.254.x.x) against the IPv4 rule.
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');
// 169.254.0.0/16 embedded in IPv6 otherwise: IPv4-compatible (::169.254.x.x), NAT64
// (64:ff9b::169.254.x.x, RFC 6052) and 6to4 (2002:a9fe:xxxx::, RFC 3056), which a gateway
// on the way may turn back into the IPv4 address.
LINK_LOCAL.addSubnet('::a9fe:0', 112, 'ipv6');
LINK_LOCAL.addSubnet('64:ff9b::a9fe:0', 112, 'ipv6');
LINK_LOCAL.addSubnet('2002:a9fe::', 32, 'ipv6');

export class InvalidRegistryUrlError extends Error {
  override readonly name = 'InvalidRegistryUrlError';
}

/**
 * Turns user input into the canonical registry base URL `scheme://host[:port][/path]`
 * (no trailing slash, no `/v2` API suffix, Docker Hub aliases collapsed).
 * Throws InvalidRegistryUrlError with a message fit to show to the caller.
 */
export function normalizeRegistryUrl(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') {
    throw new InvalidRegistryUrlError('url must not be empty');
  }
  const raw = trimmed.includes('://') ? trimmed : `https://${trimmed}`;
  assertAllowedParts(raw);
  const url = parseUrl(raw);
  if (isBlockedHost(url.hostname)) {
    throw new InvalidRegistryUrlError('url must not point to a link-local or metadata address');
  }
  const normalized = toCanonicalForm(url);
  if (normalized.length > MAX_LENGTH) {
    throw new InvalidRegistryUrlError(`url must be at most ${MAX_LENGTH} characters`);
  }
  return normalized;
}

export function isDockerHubUrl(normalized: string): boolean {
  return normalized === DOCKER_HUB_URL;
}

/** `hostname` as WHATWG URL gives it: IPv6 in brackets, IPv4 in dotted decimal. */
export function isBlockedHost(hostname: string): boolean {
  const address = hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(address);
  if (family === 0) {
    return false;
  }
  return LINK_LOCAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Checks the raw text, because WHATWG URL drops an empty `?`, `#` or `@` without a trace. */
function assertAllowedParts(raw: string): void {
  const separator = raw.indexOf('://');
  const scheme = raw.slice(0, separator).toLowerCase();
  if (!ALLOWED_SCHEMES.has(scheme)) {
    throw new InvalidRegistryUrlError('url must use http or https');
  }
  const authority = authorityOf(raw.slice(separator + 3));
  if (authority.includes('@')) {
    throw new InvalidRegistryUrlError('url must not contain user info');
  }
  // Fragment first: a `?` after a `#` belongs to the fragment, so both messages stay accurate.
  if (raw.includes('#')) {
    throw new InvalidRegistryUrlError('url must not contain a fragment');
  }
  if (raw.includes('?')) {
    throw new InvalidRegistryUrlError('url must not contain a query');
  }
  // Browsers' URL parsers read `\` as `/` (`http:\\host` is `http://host` to them, a path of
  // an https URL to others): which host is meant is a guess, so it is refused.
  if (raw.includes('\\')) {
    throw new InvalidRegistryUrlError('url must not contain a backslash');
  }
  if (authority === '' || authority.startsWith(':')) {
    throw new InvalidRegistryUrlError('url must include a host');
  }
}

/**
 * The authority as WHATWG URL reads it for http(s): leading slashes and backslashes are
 * skipped (`https:////u@host` has user info) and `\` ends it just like `/`, `?` and `#`.
 */
function authorityOf(afterScheme: string): string {
  return afterScheme.replace(/^[/\\]*/, '').split(/[/\\?#]/, 1)[0];
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidRegistryUrlError('url is not a valid URL');
  }
  if (url.hostname.split('.').some(isUndecodablePunycode)) {
    throw new InvalidRegistryUrlError('url is not a valid URL');
  }
  return url;
}

/**
 * An `xn--` label that is not valid punycode (`xn--a`). Node 20's URL parser refused such hosts;
 * Node 24's keeps them as they are, so the rule is checked here, the same on every runtime.
 */
function isUndecodablePunycode(label: string): boolean {
  return label.startsWith('xn--') && domainToUnicode(label).startsWith('xn--');
}

/** WHATWG URL has already lower-cased scheme and host, applied punycode and dropped the default port. */
function toCanonicalForm(url: URL): string {
  const path = stripApiSuffix(url.pathname);
  if (isDockerHubAlias(url, path)) {
    return DOCKER_HUB_URL;
  }
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * Drops trailing slashes and `/v2` segments until neither is left; a single pass would leave
 * `/x/v2/v2` or `//v2` with something the next call strips, breaking idempotence.
 */
function stripApiSuffix(pathname: string): string {
  let end = pathname.length;
  for (;;) {
    if (pathname.endsWith('/', end)) {
      end -= 1;
    } else if (pathname.endsWith('/v2', end)) {
      end -= 3;
    } else {
      return pathname.slice(0, end);
    }
  }
}

function isDockerHubAlias(url: URL, path: string): boolean {
  if (!DOCKER_HUB_HOSTS.has(url.hostname) || url.port !== '') {
    return false;
  }
  return (
    path === '' || (url.hostname === DOCKER_HUB_LEGACY.host && path === DOCKER_HUB_LEGACY.path)
  );
}
