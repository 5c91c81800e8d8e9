import type { DataSource, QueryRunner } from 'typeorm';
import { currentRequest } from '../common/request-context';

/**
 * How long a MySQL query, including the wait for a pooled connection, may take before the
 * service gives up on it. A database host that stops answering without closing the connection
 * (a network partition, a firewall dropping packets) would otherwise keep the query, its
 * connection and the HTTP request waiting forever: mysql2 has no deadline for a query once the
 * connection is open, and its optional query timeout leaves the connection in the pool, still
 * waiting for the lost answer, for the next caller to hang on.
 */
export const QUERY_DEADLINE_MS = 10_000;

/**
 * All the database work of one request, from its handler's start: a write's transaction (its
 * BEGIN, its statements, its ROLLBACK after a failure) and its retries included, so that a silent
 * database is a 503 within 10 s, not 10 s per statement (CONTRACT §4 allows 15).
 */
export const REQUEST_DATABASE_BUDGET_MS = 10_000;

/** How long the next query may take: what is left of the request's budget, at most one query's. */
export function queryDeadlineMs(): number {
  const request = currentRequest();
  if (request === undefined) return QUERY_DEADLINE_MS;
  const left = request.handledSince + REQUEST_DATABASE_BUDGET_MS - performance.now();
  return Math.min(QUERY_DEADLINE_MS, left);
}

/** Read by the exception filter, like the driver's own timeouts, as "the database is unavailable". */
export class QueryDeadlineError extends Error {
  override name = 'QueryDeadlineError';
  readonly code = 'PROTOCOL_SEQUENCE_TIMEOUT';

  constructor() {
    super('The database did not answer in time');
  }
}

/**
 * Gives every query run through the data source a deadline. A query that misses it fails with
 * QueryDeadlineError, and its connection is destroyed so that the pool never hands it out again.
 */
export function enforceQueryDeadline(dataSource: DataSource): void {
  const driver = dataSource.driver;
  const createQueryRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = createQueryRunner(mode);
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    runner.query = ((...args: unknown[]) =>
      withDeadline(query(...args), queryDeadlineMs(), () =>
        dropConnection(runner),
      )) as QueryRunner['query'];
    return runner;
  };
}

/**
 * `work`, or a QueryDeadlineError after `deadlineMs` (at once when none is left). One promise and
 * one timer, not a race of two promises and a `finally`: every query of every request comes here.
 */
export function withDeadline<T>(
  work: Promise<T>,
  deadlineMs: number,
  onMiss: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        onMiss();
        reject(new QueryDeadlineError());
      },
      Math.max(0, deadlineMs),
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      // Whatever the driver rejects with, passed on as it is.
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Destroys the runner's connection, also one the pool hands it only later. */
function dropConnection(runner: QueryRunner): void {
  (runner.connect() as Promise<{ destroy(): void } | undefined>).then(
    (connection) => connection?.destroy(),
    () => undefined,
  );
}
