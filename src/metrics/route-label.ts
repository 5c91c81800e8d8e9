import type { FastifyRequest } from 'fastify';

/** What a request that matched no route is counted and logged as. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route template a request matched (`/api/v1/image-registries/:id`), never its path: a
 * bounded set of values for logs and metric labels.
 */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}
