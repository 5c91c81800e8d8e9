import { request as httpRequestRaw, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** PEM certificate(s) trusted for https URLs, instead of Node's default CAs. */
  ca?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body decoded as UTF-8. */
  text: string;
}

/**
 * One HTTP(S) exchange with node:http / node:https, so that https can trust a test CA (global fetch
 * cannot without undici). Rejects only on transport errors (refused, TLS verification, timeout);
 * every HTTP status resolves. Only meant for 127.0.0.1.
 */
export function httpRequest(
  url: string | URL,
  options: HttpRequestOptions = {},
): Promise<HttpResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['Content-Length'] = String(body.length);
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = send(
      target,
      { method: options.method ?? 'GET', headers, ca: options.ca, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const responseBody = Buffer.concat(chunks);
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: responseBody,
            text: responseBody.toString('utf8'),
          });
        });
      },
    );
    request.setTimeout(options.timeoutMs ?? 10_000, () =>
      request.destroy(new Error(`${options.method ?? 'GET'} ${target.href} timed out`)),
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A header's single value (the first one if repeated), or undefined. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** `Basic base64(username:password)`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
