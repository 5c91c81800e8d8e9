import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  PipeTransform,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';

/** Our bodies are flat; class-transformer recurses and would overflow the stack on deep nesting. */
const MAX_BODY_DEPTH = 32;

const COMMON: ValidationPipeOptions = {
  transform: true,
  whitelist: true,
  // Not needed (every body and query has a DTO class), and it would refuse the empty body DTO
  // of operations that take none; with whitelisting, any field sent there is still a 400.
  forbidUnknownValues: false,
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
    // No body at all reads as an empty one; a JSON null is a body, and not an object.
    const body = value === undefined ? {} : value;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new BadRequestException(['request body must be a JSON object']);
    }
    if (nestedDeeperThan(body, MAX_BODY_DEPTH)) {
      throw new BadRequestException([
        `request body must not nest deeper than ${MAX_BODY_DEPTH} levels`,
      ]);
    }
    return this.body.transform(body, metadata);
  }
}

/** Walks the value without recursion, so that the check itself cannot overflow the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
