import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from './http-headers';

/** A caller's own request id is kept when it is this safe to log and echo (CONTRACT §11). */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: the caller's X-Request-Id when it is 1–128 characters of
 * `[A-Za-z0-9._:-]`, else a new UUID. Two such headers arrive joined by ", " and so get a new one.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Sets the request's id on its answer, among the headers Fastify writes with it. */
export function withRequestId(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.header(REQUEST_ID_HEADER, request.id);
}

/**
 * Every answer sent through Fastify carries X-Request-Id: successes, errors, and the answers of
 * hooks that run before any route (a CORS preflight). Set as a reply header, not on Node's
 * response when the request arrives: a header set there makes Node merge every header of the
 * answer into it one by one, lower-casing each name.
 */
export function answerWithRequestId(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    withRequestId(request, reply);
    done(null, payload);
  });
}
