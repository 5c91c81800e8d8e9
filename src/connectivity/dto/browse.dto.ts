import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { digitsToNumber } from '../../common/page-query.dto';

/** `n` and `last` of a registry list (CONTRACT §13). */
export class RegistryListQueryDto {
  @ApiPropertyOptional({
    description: 'At most this many names.',
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 100,
  })
  @Transform(digitsToNumber)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  n: number = 100;

  @ApiPropertyOptional({
    description: 'The `next` of the previous page: the names after this one.',
    maxLength: 512,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  last?: string;
}

export class TagsQueryDto extends RegistryListQueryDto {
  @ApiProperty({
    description:
      'The repository, as in an image reference (`team/app`); on Docker Hub a one-part name gets `library/`.',
    example: 'team/app',
    maxLength: 255,
  })
  @IsString()
  repository!: string;
}

@ApiSchema({ name: 'RepositoryPage', description: "A page of a registry's repositories." })
export class RepositoryPageDto {
  @ApiProperty({ type: [String], example: ['team/app', 'team/base'] })
  repositories!: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The `last` to ask for the next page; null at the end.',
    example: 'team/base',
  })
  next!: string | null;
}

@ApiSchema({ name: 'TagPage', description: "A page of a repository's tags." })
export class TagPageDto {
  @ApiProperty({ example: 'team/app' })
  repository!: string;

  @ApiProperty({ type: [String], example: ['v1', 'v2'] })
  tags!: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The `last` to ask for the next page; null at the end.',
    example: 'v2',
  })
  next!: string | null;
}
