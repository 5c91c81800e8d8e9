import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

export const MAX_ID = 2 ** 31 - 1;

/** An id as a path or query gives it: digits without sign or leading zero, 1 to 2^31−1. */
export function idFrom(value: unknown): number | undefined {
  const id = typeof value === 'string' && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
  return id <= MAX_ID ? id : undefined;
}

/** A path id, read by `idFrom`. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = idFrom(value);
    if (id === undefined) {
      throw new BadRequestException([`id must be an integer from 1 to ${MAX_ID}`]);
    }
    return id;
  }
}
