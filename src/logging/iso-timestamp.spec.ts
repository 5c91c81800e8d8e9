import pino from 'pino';
import { isoTimestamp } from './iso-timestamp';

describe('isoTimestamp', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes what pino’s isoTime writes', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 2, 13, 29, 37, 123) });
    expect(isoTimestamp()).toBe(pino.stdTimeFunctions.isoTime());
    expect(isoTimestamp()).toBe(',"time":"2026-12-02T13:29:37.123Z"');
  });

  it('moves with the clock, one millisecond to the next', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 2, 23, 59, 59, 999) });
    expect(isoTimestamp()).toBe(',"time":"2026-12-02T23:59:59.999Z"');
    jest.advanceTimersByTime(1);
    expect(isoTimestamp()).toBe(',"time":"2026-12-03T00:00:00.000Z"');
    jest.setSystemTime(Date.UTC(2026, 11, 2, 8, 0, 0, 0));
    expect(isoTimestamp()).toBe(',"time":"2026-12-02T08:00:00.000Z"');
  });
});
