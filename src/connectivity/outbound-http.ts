import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, errors, request } from 'undici';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { isBlockedHost } from '../registries/registry-url';

export type OutboundFailure = 'unreachable' | 'tls_error' | 'timeout';

/** A call that got no HTTP answer; `message` is one plain sentence about why. */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface OutboundTls {
  caCertificate: string | null;
  insecure: boolean;
}

export interface OutboundRequest {
  method: 'GET' | 'HEAD';
  url: string;
  headers?: Record<string, string>;
  tls: OutboundTls;
  /** The total deadline, shared by the requests of one operation; one of its own otherwise. */
  deadline?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

const MAX_REDIRECTS = 3;
/** Connection pools kept, one per trust setting (system CAs, insecure, each private CA). */
const MAX_AGENTS = 32;
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TLS_ERROR =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/**
 * The service's only way out to the network. Every call has a connect and a total deadline,
 * follows at most three redirects and drops credentials when a redirect leaves their origin, never
 * connects to a link-local or metadata address (checked on the resolved addresses too), and
 * reads at most 4 MiB of an answer.
 */
@Injectable()
export class OutboundHttp implements OnModuleDestroy {
  private readonly agents = new Map<string, Agent>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A total deadline (OUTBOUND_TIMEOUT_MS from now) for the requests of one operation. */
  deadline(): AbortSignal {
    return AbortSignal.timeout(this.config.outbound.timeoutMs);
  }

  async send(outbound: OutboundRequest): Promise<OutboundResponse> {
    const deadline = outbound.deadline ?? this.deadline();
    // Lower-cased, so that the authorization header is found below however the caller spelled it.
    const headers = Object.fromEntries(
      Object.entries(outbound.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const origin = new URL(outbound.url).origin;
    let url = new URL(outbound.url);
    for (let redirects = 0; ; redirects += 1) {
      if (isBlockedHost(url.hostname)) throw blocked(url.hostname);
      const response = await this.call(url, outbound, headers, deadline);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.status) || location === undefined) return response;
      if (redirects === MAX_REDIRECTS) {
        throw new OutboundError(
          'unreachable',
          `The registry redirected more than ${MAX_REDIRECTS} times.`,
        );
      }
      url = redirectTarget(location, url);
      // Credentials belong to their origin: a redirect elsewhere does not take them along.
      if (url.origin !== origin) delete headers.authorization;
    }
  }

  /** When the application closes, every request has been answered or cut off: a registry call
   * still running serves no one, and waiting for it would hold the shutdown up to its timeout. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.destroy()));
  }

  private async call(
    url: URL,
    outbound: OutboundRequest,
    headers: Record<string, string>,
    deadline: AbortSignal,
  ): Promise<OutboundResponse> {
    try {
      const response = await request(url, {
        method: outbound.method,
        headers,
        signal: deadline,
        dispatcher: this.agentFor(outbound.tls),
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      return { status: response.statusCode, headers: flatten(response.headers), body };
    } catch (error) {
      throw describe(error, deadline, url);
    }
  }

  private agentFor({ caCertificate, insecure }: OutboundTls): Agent {
    const key = insecure ? 'insecure' : (caCertificate ?? 'system');
    let agent = this.agents.get(key);
    if (agent === undefined) {
      agent = new Agent({
        connect: {
          timeout: this.config.outbound.connectTimeoutMs,
          rejectUnauthorized: !insecure,
          ...(caCertificate !== null && !insecure ? { ca: caCertificate } : {}),
          lookup: guardedLookup,
        },
        headersTimeout: this.config.outbound.timeoutMs,
        bodyTimeout: this.config.outbound.timeoutMs,
        maxResponseSize: MAX_RESPONSE_BYTES,
      });
      if (this.agents.size >= MAX_AGENTS) this.evictOldestAgent();
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Every unsaved test may bring its own CA: the pools must not grow without bound. */
  private evictOldestAgent(): void {
    const [key, agent] = this.agents.entries().next().value!;
    this.agents.delete(key);
    agent.close().catch(() => undefined);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** DNS resolution that refuses names resolving to a link-local or metadata address. */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error !== null) return callback(error, []);
    const bad = addresses.find(({ address }) => isBlockedHost(address));
    if (bad !== undefined) return callback(blocked(hostname, bad.address), []);
    if (options.all === true) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

function blocked(hostname: string, address = hostname): OutboundError {
  return new OutboundError(
    'unreachable',
    `${hostname} is a link-local or metadata address (${address}), which the service never connects to.`,
  );
}

/** Where a redirect leads; a Location that is not an http(s) URL is the registry's failure. */
function redirectTarget(location: string, from: URL): URL {
  try {
    const target = new URL(location, from);
    if (target.protocol === 'http:' || target.protocol === 'https:') return target;
  } catch {
    // reported below
  }
  throw new OutboundError(
    'unreachable',
    `${from.host} redirected to an address that is not an http or https URL.`,
  );
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Turns a transport failure into one of the three kinds, with a sentence a person understands. */
function describe(error: unknown, deadline: AbortSignal, url: URL): OutboundError {
  if (error instanceof OutboundError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof OutboundError) return cause;
  const code = String(
    (error as { code?: string }).code ?? (cause as { code?: string })?.code ?? '',
  );
  const where = url.host;
  if (
    deadline.aborted ||
    error instanceof errors.ConnectTimeoutError ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError
  ) {
    return new OutboundError('timeout', `${where} did not answer in time.`);
  }
  if (TLS_ERROR.test(code) || /certificate|SSL|TLS/i.test(String((error as Error).message))) {
    return new OutboundError(
      'tls_error',
      `The TLS certificate of ${where} could not be verified (${code || (error as Error).message}).`,
    );
  }
  if (error instanceof errors.ResponseExceededMaxSizeError) {
    return new OutboundError('unreachable', `${where} sent an answer larger than 4 MiB.`);
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'refused the connection',
    ECONNRESET: 'reset the connection',
    UND_ERR_SOCKET: 'closed the connection without answering',
    ENOTFOUND: 'is not a known host name',
    EAI_AGAIN: 'could not be resolved',
    EHOSTUNREACH: 'is unreachable',
    ENETUNREACH: 'is unreachable',
  };
  return new OutboundError(
    'unreachable',
    `${where} ${reasons[code] ?? `could not be reached (${code || (error as Error).message})`}.`,
  );
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
