import type { ValueTransformer } from 'typeorm';

/** A BIGINT as a number (mysql2 gives a string past 2^53; every value here is far below it). */
export const bigintNumber: ValueTransformer = {
  to: (value?: number) => value,
  from: (value: string | number) => Number(value),
};
