import { Injectable } from '@nestjs/common';
import { OutboundError, OutboundHttp, type OutboundResponse } from './outbound-http';
import { parseChallenge } from './www-authenticate';

/** Where and how to reach a registry: a saved one (with its stored credentials) or an unsaved one. */
export interface RegistryTarget {
  url: string;
  username: string | null;
  password: string | null;
  insecure: boolean;
  caCertificate: string | null;
}

export type AuthScheme = 'none' | 'basic' | 'bearer';

export interface RegistryAnswer extends OutboundResponse {
  /** The scheme the registry challenged with; null for a scheme the service does not speak. */
  auth: AuthScheme | null;
  /** Whether credentials were presented for the final answer. */
  presentedCredentials: boolean;
}

export interface RegistryCall {
  method: 'GET' | 'HEAD';
  /** Below /v2/, e.g. '' or 'library/nginx/manifests/latest'. */
  path: string;
  accept?: string;
  /** The token scope a Bearer challenge is answered with, e.g. 'repository:library/nginx:pull'. */
  scope?: string;
}

/**
 * Speaks the Docker Registry V2 authentication handshake: call anonymously; on a 401 read the
 * challenge and call again with Basic credentials, or with a token fetched from the realm the
 * registry named (with the credentials, or anonymously).
 */
@Injectable()
export class RegistryClient {
  constructor(private readonly http: OutboundHttp) {}

  async call(target: RegistryTarget, call: RegistryCall): Promise<RegistryAnswer> {
    const url = `${target.url}/v2/${call.path}`;
    const headers: Record<string, string> =
      call.accept === undefined ? {} : { accept: call.accept };
    const send = (extra: Record<string, string> = {}): Promise<OutboundResponse> =>
      this.http.send({
        method: call.method,
        url,
        headers: { ...headers, ...extra },
        tls: tlsOf(target),
      });

    const first = await send();
    if (first.status !== 401) return { ...first, auth: 'none', presentedCredentials: false };
    const challenge = parseChallenge(first.headers['www-authenticate']);
    const basic = basicAuthorization(target);

    if (challenge?.scheme === 'basic') {
      if (basic === undefined) return { ...first, auth: 'basic', presentedCredentials: false };
      return {
        ...(await send({ authorization: basic })),
        auth: 'basic',
        presentedCredentials: true,
      };
    }
    if (challenge?.scheme === 'bearer') {
      const token = await this.fetchToken(target, challenge.params, call.scope, basic);
      if (typeof token !== 'string')
        return { ...token, auth: 'bearer', presentedCredentials: basic !== undefined };
      const answer = await send({ authorization: `Bearer ${token}` });
      return { ...answer, auth: 'bearer', presentedCredentials: basic !== undefined };
    }
    return { ...first, auth: null, presentedCredentials: false };
  }

  /** The token, or the token server's refusal as the answer to report. */
  private async fetchToken(
    target: RegistryTarget,
    challenge: Record<string, string>,
    scope: string | undefined,
    basic: string | undefined,
  ): Promise<string | OutboundResponse> {
    const realm = parseRealm(challenge.realm);
    if (challenge.service !== undefined) realm.searchParams.set('service', challenge.service);
    const wanted = scope ?? challenge.scope;
    if (wanted !== undefined) realm.searchParams.set('scope', wanted);
    const answer = await this.http.send({
      method: 'GET',
      url: realm.href,
      headers: basic === undefined ? {} : { authorization: basic },
      tls: tlsOf(target),
    });
    if (answer.status < 200 || answer.status >= 300) return answer;
    const token = readToken(answer.body);
    if (token === undefined) {
      throw new OutboundError('unreachable', `The token server at ${realm.host} sent no token.`);
    }
    return token;
  }
}

function tlsOf(target: RegistryTarget): { caCertificate: string | null; insecure: boolean } {
  return { caCertificate: target.caCertificate, insecure: target.insecure };
}

function basicAuthorization({ username, password }: RegistryTarget): string | undefined {
  if (username === null) return undefined;
  return `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
}

function parseRealm(realm: string | undefined): URL {
  try {
    const url = new URL(realm ?? '');
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new OutboundError(
    'unreachable',
    'The registry named no usable token realm in its challenge.',
  );
}

function readToken(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown };
    const token = parsed.token ?? parsed.access_token;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}
