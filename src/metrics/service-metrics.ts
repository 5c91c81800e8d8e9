import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** What a call to a registry ended in: its answer's status class, or why there was none. */
export type OutboundOutcome =
  '2xx' | '3xx' | '4xx' | '5xx' | 'unreachable' | 'tls_error' | 'timeout';

/** The calls the service makes to registries. */
export type OutboundOperation = 'connection_test' | 'manifest' | 'catalog' | 'tags';

/** Seconds; from a cached read to a registry call that times out. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The series of CONTRACT §11, in a registry of this application's own (several applications in
 * one process, as in the tests, never share counts), with Node's process metrics.
 */
@Injectable()
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer, by route template.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly outboundRequests = new Counter({
    name: 'image_registry_outbound_requests_total',
    help: 'Calls to container registries (the token handshake included), by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly credentialsReads = new Counter({
    name: 'image_registry_credentials_reads_total',
    help: 'Credentials handed out, each one recorded in the audit trail.',
    registers: [this.registry],
  });

  readonly databaseUnavailable = new Counter({
    name: 'image_registry_database_unavailable_total',
    help: 'Requests answered 503 because the database could not be reached.',
    registers: [this.registry],
  });

  readonly connectionsDropped = new Counter({
    name: 'image_registry_connections_dropped_total',
    help: 'Connections closed as they arrived because MAX_CONNECTIONS were open already.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
