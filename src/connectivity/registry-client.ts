import { Injectable } from '@nestjs/common';
import {
  type OutboundOperation,
  type OutboundOutcome,
  ServiceMetrics,
} from '../metrics/service-metrics';
import type { ImageRegistry } from '../registries/image-registry.entity';
import { isSuccess, OutboundError, OutboundHttp, type OutboundResponse } from './outbound-http';
import { parseChallenge } from './www-authenticate';

/** Where and how to reach a saved registry, with its stored credentials. */
export function targetOf(registry: ImageRegistry): RegistryTarget {
  return {
    url: registry.url,
    username: registry.username,
    password: registry.password ?? null,
    insecure: registry.insecure,
    caCertificate: registry.caCertificate,
  };
}

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
  /** What the call is for, as the metrics count it. */
  operation: OutboundOperation;
  method: 'GET' | 'HEAD';
  /** Below /v2/, e.g. '' or 'library/nginx/manifests/latest'. */
  path: string;
  accept?: string;
  /** The token scope a Bearer challenge is answered with, e.g. 'repository:library/nginx:pull'. */
  scope?: string;
  /** For a HEAD: whether its answer must be asked for again as a GET, with the same authorization. */
  retryAsGet?: (answer: OutboundResponse) => boolean;
}

/** An answer with the authorization that obtained it, which stays inside this class. */
interface Authorized {
  answer: RegistryAnswer;
  authorization?: string;
}

type Send = (method: RegistryCall['method'], authorization?: string) => Promise<OutboundResponse>;

/**
 * Speaks the Docker Registry V2 authentication handshake: call anonymously; on a 401 read the
 * challenge and call again with Basic credentials, or with a token fetched from the realm the
 * registry named (with the credentials, or anonymously). One total deadline covers the whole call,
 * token request and GET retry included.
 */
@Injectable()
export class RegistryClient {
  constructor(
    private readonly http: OutboundHttp,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** The registry's answer; counted by its status class, or by why there was none. */
  async call(target: RegistryTarget, call: RegistryCall): Promise<RegistryAnswer> {
    let outcome: OutboundOutcome | undefined;
    try {
      const answer = await this.callOnce(target, call);
      outcome = `${Math.floor(answer.status / 100)}xx` as OutboundOutcome;
      return answer;
    } catch (error) {
      if (error instanceof OutboundError) outcome = error.kind;
      throw error;
    } finally {
      if (outcome !== undefined)
        this.metrics.outboundRequests.inc({ operation: call.operation, outcome });
    }
  }

  private async callOnce(target: RegistryTarget, call: RegistryCall): Promise<RegistryAnswer> {
    const url = `${target.url}/v2/${call.path}`;
    const deadline = this.http.deadline();
    const send: Send = (method, authorization) =>
      this.http.send({
        method,
        url,
        headers: {
          ...(call.accept === undefined ? {} : { accept: call.accept }),
          ...(authorization === undefined ? {} : { authorization }),
        },
        tls: target,
        deadline,
      });
    const { answer, authorization } = await this.authorize(target, call, send, deadline);
    if (call.method === 'HEAD' && call.retryAsGet?.(answer) === true) {
      return { ...answer, ...(await send('GET', authorization)) };
    }
    return answer;
  }

  private async authorize(
    target: RegistryTarget,
    call: RegistryCall,
    send: Send,
    deadline: AbortSignal,
  ): Promise<Authorized> {
    const first = await send(call.method);
    if (first.status !== 401)
      return { answer: { ...first, auth: 'none', presentedCredentials: false } };
    const challenge = parseChallenge(first.headers['www-authenticate']);
    const basic = basicAuthorization(target);

    if (challenge?.scheme === 'basic') {
      if (basic === undefined)
        return { answer: { ...first, auth: 'basic', presentedCredentials: false } };
      return {
        answer: { ...(await send(call.method, basic)), auth: 'basic', presentedCredentials: true },
        authorization: basic,
      };
    }
    if (challenge?.scheme === 'bearer') {
      const presentedCredentials = basic !== undefined;
      const token = await this.fetchToken(target, challenge.params, call.scope, basic, deadline);
      if (typeof token !== 'string')
        return { answer: { ...token, auth: 'bearer', presentedCredentials } };
      const authorization = `Bearer ${token}`;
      return {
        answer: {
          ...(await send(call.method, authorization)),
          auth: 'bearer',
          presentedCredentials,
        },
        authorization,
      };
    }
    return { answer: { ...first, auth: null, presentedCredentials: false } };
  }

  /** The token, or the token server's refusal as the answer to report. */
  private async fetchToken(
    target: RegistryTarget,
    challenge: Record<string, string>,
    scope: string | undefined,
    basic: string | undefined,
    deadline: AbortSignal,
  ): Promise<string | OutboundResponse> {
    const realm = parseRealm(challenge.realm);
    if (basic !== undefined && realm.protocol === 'http:' && target.url.startsWith('https:')) {
      throw new OutboundError(
        'unreachable',
        `The registry's token server ${realm.host} is plain HTTP; the credentials are not sent there.`,
      );
    }
    if (challenge.service !== undefined) realm.searchParams.set('service', challenge.service);
    const wanted = scope ?? challenge.scope;
    if (wanted !== undefined) realm.searchParams.set('scope', wanted);
    const answer = await this.http.send({
      method: 'GET',
      url: realm.href,
      headers: basic === undefined ? {} : { authorization: basic },
      tls: target,
      deadline,
    });
    if (!isSuccess(answer.status)) return answer;
    const token = readToken(answer.body);
    if (token === undefined) {
      throw new OutboundError('unreachable', `The token server at ${realm.host} sent no token.`);
    }
    return token;
  }
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
