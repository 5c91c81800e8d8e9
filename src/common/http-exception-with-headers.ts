import { HttpException } from '@nestjs/common';

/** An error answer that carries headers of its own (a 429's `Retry-After`), set by the filter. */
export class HttpExceptionWithHeaders extends HttpException {
  constructor(
    message: string,
    status: number,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(message, status);
  }
}
