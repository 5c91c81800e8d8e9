import {
  BadRequestException,
  HttpException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { json, type ErrorRequestHandler, type RequestHandler } from 'express';
import { STATUS_CODES } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * JSON bodies up to 1 MiB. Parse errors get a fixed message: the parser's own would quote the
 * body, and with it a password.
 */
export function jsonBody(): [RequestHandler, RequestHandler, ErrorRequestHandler] {
  return [json({ limit: MAX_BODY_BYTES }), onlyJsonBodies, bodyErrors];
}

/** A body the JSON parser left alone was sent as something else: say so rather than ignore it. */
const onlyJsonBodies: RequestHandler = (request, _response, next) => {
  const hasBody =
    request.headers['transfer-encoding'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && request.body === undefined) {
    return next(new UnsupportedMediaTypeException('Request bodies must be application/json'));
  }
  next();
};

const bodyErrors: ErrorRequestHandler = (
  error: { type?: string; status?: number },
  _req,
  _res,
  next,
) => {
  if (error.type === 'entity.too.large') {
    return next(new PayloadTooLargeException('The request body exceeds 1 MiB'));
  }
  if (error instanceof SyntaxError || error.type === 'entity.parse.failed') {
    return next(new BadRequestException('The request body is not valid JSON'));
  }
  const status = error.status;
  if (status !== undefined && status >= 400 && status < 500) {
    return next(new HttpException(STATUS_CODES[status] ?? 'Bad Request', status));
  }
  next(error);
};
