import type { FastifyInstance } from 'fastify';
import { routeLabel } from './route-label';
import type { ServiceMetrics } from './service-metrics';

/** Observes every answer's duration, labelled by the route template, never the path. */
export function observeRequestDurations(fastify: FastifyInstance, metrics: ServiceMetrics): void {
  const durations = metrics.requestDuration;
  fastify.addHook('onResponse', (request, reply, done) => {
    durations.observe(
      { method: request.method, route: routeLabel(request), status_code: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
