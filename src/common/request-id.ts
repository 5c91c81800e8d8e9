import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { REQUEST_ID_HEADER } from './http-headers';

/** A caller's own request id is kept when it is this safe to log and echo (CONTRACT §11). */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const CHOSEN = Symbol('request id');

type WithRequestId = IncomingMessage & { [CHOSEN]?: string };

/**
 * The caller's X-Request-Id when it is 1–128 characters of `[A-Za-z0-9._:-]`, else a new UUID.
 * Two such headers arrive joined by ", " and so get a new one.
 */
function chooseRequestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Fastify's `genReqId`: the id `answerWithRequestId` chose for this request. */
export function requestIdOf(request: IncomingMessage): string {
  return (request as WithRequestId)[CHOSEN] ?? chooseRequestId(request);
}

/**
 * Chooses each request's id as the server receives it and sets X-Request-Id on its response
 * there, before Fastify routes it: so every response carries it, also those Fastify or a plugin
 * sends before any hook of ours could run (a malformed URL, a CORS preflight).
 */
export function answerWithRequestId(server: Server): void {
  server.prependListener('request', (request: WithRequestId, response) => {
    request[CHOSEN] = chooseRequestId(request);
    response.setHeader(REQUEST_ID_HEADER, request[CHOSEN]);
  });
}
