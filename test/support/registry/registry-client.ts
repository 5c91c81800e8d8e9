import { type AuthChallenge, parseChallenge } from './challenge';
import {
  basicAuthorization,
  headerValue,
  httpRequest,
  type HttpRequestOptions,
  type HttpResponse,
} from './http-request';
import type { TestRegistry } from './registry-server';

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** Answer Basic challenges and ask token servers with these; anonymous without. */
  credentials?: Credentials;
  /**
   * The token scope to ask for, as docker decides it by operation (e.g. `repository:x:pull,push`);
   * defaults to each challenge's own scope, whose action order distribution does not keep stable.
   */
  scope?: string;
  /** PEM CA to trust for https. */
  ca?: string;
}

/**
 * Talks to a test registry the way docker does: it sends each request as is, and on a 401 answers
 * the challenge once — Basic credentials, or a bearer token fetched from the challenge's realm for
 * its service — then retries. The last authorization is reused for the next requests.
 */
export class RegistryClient {
  private authorization: string | undefined;

  constructor(
    /** `http(s)://127.0.0.1:PORT`. */
    readonly url: string,
    private readonly options: RegistryClientOptions = {},
  ) {}

  /** A client for `registry` with its CA, and its credentials (if it has any) unless others are given. */
  static for(registry: TestRegistry, options: RegistryClientOptions = {}): RegistryClient {
    const own =
      'username' in registry
        ? { username: registry.username, password: registry.password }
        : undefined;
    return new RegistryClient(registry.url, {
      credentials: own,
      ca: 'caPem' in registry ? registry.caPem : undefined,
      ...options,
    });
  }

  /** `pathOrUrl` is a path such as `/v2/` or an absolute URL (e.g. an upload's Location). */
  async request(pathOrUrl: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(pathOrUrl, this.url);
    const response = await this.send(url, options);
    if (response.status !== 401) return response;
    const challenge = parseChallenge(headerValue(response.headers, 'www-authenticate'));
    const authorization = challenge && (await this.answer(challenge));
    if (authorization === undefined || authorization === this.authorization) return response;
    this.authorization = authorization;
    return this.send(url, options);
  }

  private send(url: URL, options: HttpRequestOptions): Promise<HttpResponse> {
    const headers = { ...options.headers };
    if (this.authorization !== undefined) headers.Authorization = this.authorization;
    return httpRequest(url, { ...options, headers, ca: options.ca ?? this.options.ca });
  }

  /** The Authorization header that answers `challenge`, or undefined when we have none. */
  private async answer(challenge: AuthChallenge): Promise<string | undefined> {
    const { credentials, scope, ca } = this.options;
    if (challenge.scheme === 'basic') {
      return credentials && basicAuthorization(credentials.username, credentials.password);
    }
    if (challenge.scheme !== 'bearer' || challenge.params.realm === undefined) return undefined;
    const token = await fetchRegistryToken(challenge, { credentials, scope, ca });
    return `Bearer ${token}`;
  }
}

export interface TokenRequest {
  /** Sent as Basic credentials and `account`; anonymous without. */
  credentials?: Credentials;
  /** Defaults to the challenge's own scope; none asks for a token without access (for /v2/). */
  scope?: string;
  /** PEM CA to trust if the realm is https. */
  ca?: string;
}

/**
 * Asks the realm of a Bearer challenge for a token (`GET realm?service=…&scope=…&account=…`, with
 * Basic credentials if given), as in https://distribution.github.io/distribution/spec/auth/token/.
 * Rejects unless the answer is 200 with a token.
 */
export async function fetchRegistryToken(
  challenge: AuthChallenge,
  { credentials, scope = challenge.params.scope, ca }: TokenRequest = {},
): Promise<string> {
  const url = new URL(challenge.params.realm);
  if (challenge.params.service !== undefined) {
    url.searchParams.set('service', challenge.params.service);
  }
  if (scope !== undefined) url.searchParams.set('scope', scope);
  const headers: Record<string, string> = {};
  if (credentials !== undefined) {
    url.searchParams.set('account', credentials.username);
    headers.Authorization = basicAuthorization(credentials.username, credentials.password);
  }
  const response = await httpRequest(url, { headers, ca });
  if (response.status !== 200) {
    throw new Error(`token request ${url.href} answered ${response.status}: ${response.text}`);
  }
  const body = JSON.parse(response.text) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (token === undefined) throw new Error(`token response without a token: ${response.text}`);
  return token;
}
