import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';

/**
 * Fastify's own refusals before routing (an undecodable URL such as `/…/%ff`), answered in the
 * error shape of every other error rather than Fastify's, which adds its `code`.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode ?? 400;
  void reply.code(status).send(errorBody(status, error.message));
}
