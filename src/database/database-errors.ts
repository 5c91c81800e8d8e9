/** Reads what a driver error means, for both drivers the service supports. */

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
  driverError?: DriverError;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_READONLY',
]);

const MYSQL_DUPLICATE_ENTRY = 1062;
const MYSQL_DEADLOCK = 1213;
const MYSQL_LOCK_WAIT_TIMEOUT = 1205;

function driverError(error: unknown): DriverError {
  const outer = (error ?? {}) as DriverError;
  return outer.driverError ?? outer;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = driverError(error);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR'))) {
    return true;
  }
  return /pool is closed|connection is in closed state|can't add new command when connection is in closed state/i.test(
    message ?? '',
  );
}

/**
 * A transaction worth running again: the database chose it as a deadlock victim, or another
 * transaction took the single default between our clearing it and setting it.
 */
export function isTransientConflict(error: unknown): boolean {
  const { errno } = driverError(error);
  return (
    errno === MYSQL_DEADLOCK ||
    errno === MYSQL_LOCK_WAIT_TIMEOUT ||
    violatedUniqueColumn(error) === 'is_default'
  );
}

/**
 * The unique key a write collided with, as the column it guards (`name_key`, `url`,
 * `is_default`), or undefined when the error is not a unique violation.
 */
export function violatedUniqueColumn(error: unknown): string | undefined {
  const { code, errno, message, sqlMessage } = driverError(error);
  if (errno === MYSQL_DUPLICATE_ENTRY) {
    return /for key '(?:[^']*\.)?UQ_image_registries_(\w+)'/
      .exec(sqlMessage ?? message ?? '')?.[1]
      ?.replace(/^default$/, 'is_default');
  }
  if (code?.startsWith('SQLITE_CONSTRAINT')) {
    return /UNIQUE constraint failed: \w+\.(\w+)/.exec(message ?? '')?.[1];
  }
  return undefined;
}
