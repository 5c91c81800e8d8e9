import { HttpException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from '../common/error-body';
import type { JwtAuthGuard } from './jwt-auth.guard';

/** Whether the request announces a body: a Content-Length above 0, or a transfer coding. */
function announcesBody(headers: FastifyRequest['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A request that carries a body is authenticated as it arrives, before its body is read, so that
 * a caller without a valid token cannot make the service hold a body per connection; its refusal
 * closes the connection instead of reading the rest. The guard still checks every request (those
 * without a body it authenticates itself) and its scopes.
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
      (error: unknown) => {
        if (!(error instanceof HttpException)) {
          done(error as Error);
          return;
        }
        const status = error.getStatus();
        void reply
          .header('connection', 'close')
          .code(status)
          .send(errorBody(status, error.message));
      },
    );
  });
}
