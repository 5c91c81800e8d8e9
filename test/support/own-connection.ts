import { request } from 'node:http';

/** How a request on a connection of its own ended: its answer, or the error code it got instead. */
export interface Exchange {
  status?: number;
  body?: string;
  error?: string;
  /** performance.now() when it was sent and when it ended. */
  sentAt: number;
  endedAt: number;
}

/** One request with a bearer token on a connection of its own (no keep-alive agent). */
export function sendOnOwnConnection(
  url: string,
  method: string,
  token: string,
  body?: object,
): Promise<Exchange> {
  const sentAt = performance.now();
  return new Promise((done) => {
    const call = request(url, {
      method,
      agent: false,
      headers: {
        Authorization: token,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
    });
    call.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        done({ status: response.statusCode, body: text, sentAt, endedAt: performance.now() }),
      );
    });
    call.on('error', (error: NodeJS.ErrnoException) =>
      done({ error: error.code ?? error.message, sentAt, endedAt: performance.now() }),
    );
    call.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
