import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

export const MAX_ID = 2 ** 31 - 1;

/** A path id: digits without sign or leading zero, from 1 to 2^31−1. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
    if (!(id <= MAX_ID)) {
      throw new BadRequestException([`id must be an integer from 1 to ${MAX_ID}`]);
    }
    return id;
  }
}
