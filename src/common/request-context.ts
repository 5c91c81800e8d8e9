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
const contextOfRequest = new WeakMap<FastifyRequest, RequestContext>();

/** The request being served, if any. */
export function currentRequest(): RequestContext | undefined {
  return contexts.getStore();
}

function enterOnArrival(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  const context = { log: request.log, handledSince: performance.now() };
  contextOfRequest.set(request, context);
  contexts.run(context, done);
}

function enterBeforeHandler(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const context = contextOfRequest.get(request);
  if (context === undefined) return enterOnArrival(request, reply, done);
  context.handledSince = performance.now();
  // Without a body, the request never left its context.
  if (contexts.getStore() === context) done();
  else contexts.run(context, done);
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
