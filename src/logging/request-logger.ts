import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const requestLoggers = new AsyncLocalStorage<FastifyBaseLogger>();

/** The logger of the request being served (bound to its request id), if any. */
export function currentRequestLogger(): FastifyBaseLogger | undefined {
  return requestLoggers.getStore();
}

function serveWithinRequestLogger(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: () => void,
): void {
  requestLoggers.run(request.log, done);
}

/**
 * Makes Fastify's per-request logger (which carries the request id) the one Nest's Logger writes
 * to while that request is served. Entered again before the handler because reading a body runs
 * in the socket's async context, not the request's.
 */
export function logWithinEachRequest(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', serveWithinRequestLogger);
  fastify.addHook('preHandler', serveWithinRequestLogger);
}
