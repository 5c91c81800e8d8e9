import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';
import { withRequestId } from './request-id';

/**
 * Fastify's own refusals before routing (an undecodable URL such as `/…/%ff`), answered in the
 * error shape of every other error rather than Fastify's, which adds its `code`. They are sent
 * outside every route and its hooks, so they set their X-Request-Id themselves.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode ?? 400;
  void withRequestId(request, reply).code(status).send(errorBody(status, error.message));
}

function clientErrorAnswer(code: string | undefined): [status: number, message: string] {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'The request was not received in time'];
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'The request headers are larger than 16 KiB'];
    default:
      return [400, 'The request is not valid HTTP/1.1'];
  }
}

/**
 * Node's refusals of a request it could not parse, or not receive within the deadline, written to
 * the socket in the same error shape; the connection closes after them, as Node's own would.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const [status, message] = clientErrorAnswer(error.code);
    const body = JSON.stringify(errorBody(status, message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
