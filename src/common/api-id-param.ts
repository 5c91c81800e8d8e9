import { ApiParam } from '@nestjs/swagger';
import { MAX_ID } from './parse-id.pipe';

/** Documents the `:id` path parameter as ParseIdPipe reads it. */
export const ApiIdParam = (): MethodDecorator =>
  ApiParam({
    name: 'id',
    description: 'Registry id: digits without sign or leading zero.',
    schema: { type: 'integer', minimum: 1, maximum: MAX_ID },
  });
