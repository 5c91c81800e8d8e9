let lastMillisecond = Number.NaN;
let lastTimestamp = '';

/**
 * pino's `timestamp`: the same `,"time":"<ISO 8601>"` as `pino.stdTimeFunctions.isoTime`, formatted
 * once per millisecond rather than once per line: under load, many lines share a millisecond.
 */
export function isoTimestamp(): string {
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    lastTimestamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTimestamp;
}
