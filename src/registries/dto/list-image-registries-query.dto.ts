import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * Only plain digit strings become numbers; anything else stays as sent and fails IsInt. A number
 * too large to be exact is certainly past the last page, and is read as such.
 */
const digitsToNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^[0-9]+$/.test(value)
    ? Math.min(Number(value), Number.MAX_SAFE_INTEGER)
    : value;

export class ListImageRegistriesQueryDto {
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
    description: 'Registries per page.',
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
