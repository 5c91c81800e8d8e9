import type { Server, ServerOptions } from 'node:http';
import type { ServerLimitsConfig } from '../config/app-config';

/** How often Node looks for requests past their deadline; its default, 30 s, would let one slip that far. */
const DEADLINE_CHECK_INTERVAL_MS = 1_000;

/**
 * The deadline for receiving a request, headers and body, for the Node server underneath (its
 * 408 answers it): a client that stalls in the middle of a body holds the connection that long
 * and no longer. `requestTimeout` itself goes to Fastify, which would otherwise switch it off.
 */
export function receiveDeadline(limits: ServerLimitsConfig): ServerOptions {
  return {
    headersTimeout: limits.receiveTimeoutMs,
    connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
  };
}

/** At most `maxConnections` open at once; the server closes any more as they arrive. */
export function capConnections(
  server: Server,
  limits: ServerLimitsConfig,
  onDrop: () => void,
): void {
  server.maxConnections = limits.maxConnections;
  server.on('drop', onDrop);
}
