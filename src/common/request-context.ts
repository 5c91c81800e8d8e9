import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What code serving a request can know of it without being handed the request. */
export interface RequestContext {
  /** Fastify's logger for the request, bound to its request id. */
  log: FastifyBaseLogger;
  /** performance.now() when its handler started (before: when it arrived). */
  handledSince: number;
}

const contexts = new AsyncLocalStorage<RequestContext>();

/** The request being served, if any. */
export function currentRequest(): RequestContext | undefined {
  return contexts.getStore();
}

function enterOnArrival(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  contexts.run({ log: request.log, handledSince: performance.now() }, done);
}

function enterBeforeHandler(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const current = contexts.getStore();
  // Without a body, the request never left its own context (its logger is its own).
  if (current?.log !== request.log) return enterOnArrival(request, reply, done);
  current.handledSince = performance.now();
  done();
}

/**
 * Makes each request's context the current one while it is served. Entered again before the
 * handler when it has been left, because reading a body runs in the socket's async context, not
 * the request's; the handler's clock starts there, after the body has arrived.
 */
export function serveWithinEachRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', enterOnArrival);
  fastify.addHook('preHandler', enterBeforeHandler);
}
