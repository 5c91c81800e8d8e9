import {
  BadGatewayException,
  GatewayTimeoutException,
  type HttpException,
  HttpStatus,
} from '@nestjs/common';
import { HttpExceptionWithHeaders } from '../common/http-exception-with-headers';
import type { OutboundError, OutboundResponse } from './outbound-http';

/** A registry call that got no answer: 504 when it ran out of time, else 502. */
export function unanswered(error: OutboundError): HttpException {
  return error.kind === 'timeout'
    ? new GatewayTimeoutException(error.message)
    : new BadGatewayException(error.message);
}

/** A registry that rate-limits: 429, with its `Retry-After` when that is a valid one. */
export function rateLimited(registryUrl: string, answer: OutboundResponse): HttpException {
  const retryAfter = answer.headers['retry-after']?.trim();
  const valid =
    retryAfter !== undefined &&
    retryAfter.length <= 64 &&
    (/^[0-9]+$/.test(retryAfter) || !Number.isNaN(Date.parse(retryAfter)));
  return new HttpExceptionWithHeaders(
    `The registry ${registryUrl} is rate-limiting requests; try again later`,
    HttpStatus.TOO_MANY_REQUESTS,
    valid ? { 'Retry-After': retryAfter } : {},
  );
}

/** Any other answer the registry should not have given. */
export function unexpectedAnswer(registryUrl: string, status: number): HttpException {
  return new BadGatewayException(`The registry ${registryUrl} answered ${status}`);
}
