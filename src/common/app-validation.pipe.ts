import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  PipeTransform,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';

const COMMON: ValidationPipeOptions = {
  transform: true,
  whitelist: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/**
 * Validates request bodies strictly (an unknown or read-only field is a 400 naming it) and query
 * strings leniently (unknown parameters are ignored). Path parameters are left to their own pipes,
 * which are stricter than the implicit number conversion.
 */
@Injectable()
export class AppValidationPipe implements PipeTransform {
  private readonly body = new ValidationPipe({ ...COMMON, forbidNonWhitelisted: true });
  private readonly query = new ValidationPipe({ ...COMMON, forbidNonWhitelisted: false });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query') return this.query.transform(value, metadata);
    if (metadata.type !== 'body') return value;
    const body = value ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new BadRequestException(['request body must be a JSON object']);
    }
    return this.body.transform(body, metadata);
  }
}
