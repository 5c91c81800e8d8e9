import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * Only plain digit strings become numbers; anything else stays as sent and fails IsInt. A number
 * too large to be exact is certainly past the last page, and is read as such.
 */
export const digitsToNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^[0-9]+$/.test(value)
    ? Math.min(Number(value), Number.MAX_SAFE_INTEGER)
    : value;

/** `pageNum` and `pageSize` of every list: from 1, 1–100 per page, defaults 1 and 10. */
export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'Page number, from 1.',
    type: 'integer',
    minimum: 1,
    default: 1,
  })
  @Transform(digitsToNumber)
  @IsOptional()
  @IsInt()
  @Min(1)
  pageNum: number = 1;

  @ApiPropertyOptional({
    description: 'Items per page.',
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 10,
  })
  @Transform(digitsToNumber)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 10;
}
