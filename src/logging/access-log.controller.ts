import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { verifiedSubject } from '../auth/caller';
import { routeLabel } from '../metrics/route-label';

/** Probes and scrapes, which would otherwise drown the traffic: logged at debug only. */
const QUIET_ROUTES = new Set(['/health', '/health/ready', '/metrics']);

/**
 * Fastify's request log lines, as the service writes them: no "incoming request" line, and one
 * access line per request after its answer (CONTRACT §11) naming the route template and the
 * token's `sub`, never a header, a body or the query string.
 */
export class AccessLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const route = routeLabel(request);
    const line = {
      method: request.method,
      route,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      sub: verifiedSubject(request),
    };
    if (error) {
      request.log.warn(
        { ...line, error: { type: error.name, message: error.message } },
        'request errored',
      );
    } else {
      request.log[QUIET_ROUTES.has(route) ? 'debug' : 'info'](line, 'request completed');
    }
  }
}
