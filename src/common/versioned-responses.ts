import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ETAG_HEADER } from './http-headers';

/** The ETag response header, as the OpenAPI document describes it. */
export const ETAG_RESPONSE_HEADER = {
  [ETAG_HEADER]: {
    description: 'The strong validator of this version of the resource, such as "3".',
    schema: { type: 'string' },
  },
};

/** Documents the optional If-Match request header of a write. */
export const ApiIfMatch = (): MethodDecorator =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'Only if the resource is still at one of these versions: `*` or a comma-separated list of ETags such as `"3"`; otherwise 412 and nothing changes. Weak tags never match.',
    schema: { type: 'string' },
  });

/** Documents If-None-Match and its 304 on a read. */
export const ApiIfNoneMatch = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description:
        'A 304 with no body when the resource is still at one of these versions (`*` or ETags).',
      schema: { type: 'string' },
    }),
    ApiResponse({ status: 304, description: 'Not modified: the version named is current.' }),
  );

/** A resource as an answer shows it, with the strong validator of that version. */
export interface Versioned<T> {
  body: T;
  etag: string;
}

/** Sets the ETag of the answer and returns its body. */
export function withEntityTag<T>(reply: FastifyReply, answer: Versioned<T>): T {
  void reply.header(ETAG_HEADER, answer.etag);
  return answer.body;
}
