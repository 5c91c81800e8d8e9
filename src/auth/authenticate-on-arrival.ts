import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JwtAuthGuard } from './jwt-auth.guard';

/** Whether the request announces a body: a Content-Length above 0, or a transfer coding. */
function announcesBody(headers: FastifyRequest['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A request that carries a body is authenticated as it arrives, before its body is read, so that
 * a caller without a valid token cannot make the service hold a body per connection. Its refusal
 * is answered by the global exception filter, as the guard's would be, with `Connection: close`:
 * the rest of the body is never read. The guard still checks every request (those without a body
 * it authenticates itself) and its scopes.
 */
export function authenticateBodiesOnArrival(fastify: FastifyInstance, guard: JwtAuthGuard): void {
  // A callback hook, not an async one: requests without a body pass without a promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!announcesBody(request.headers)) {
      done();
      return;
    }
    guard.authenticateOnArrival(request, reply).then(
      () => done(),
      (error: Error) => {
        void reply.header('connection', 'close');
        done(error);
      },
    );
  });
}
