import type { Type } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TOTAL_COUNT_HEADER } from './http-headers';

/** One page of a list and the number of items of the whole list. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Documents a list's page: an array of `type`, with the total in X-Total-Count. */
export const ApiPageResponse = (
  type: Type,
  description: string,
  totalDescription: string,
): MethodDecorator =>
  ApiOkResponse({
    description,
    type: [type],
    headers: {
      [TOTAL_COUNT_HEADER]: {
        description: totalDescription,
        schema: { type: 'integer', minimum: 0 },
      },
    },
  });

/** Sets X-Total-Count and returns the page's items. */
export function withTotalCount<T>(reply: FastifyReply, page: Page<T>): T[] {
  void reply.header(TOTAL_COUNT_HEADER, page.total);
  return page.items;
}
