import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Min, Validate } from 'class-validator';
import { digitsToNumber, PageQueryDto } from '../../common/page-query.dto';
import { idFrom, MAX_ID } from '../../common/parse-id.pipe';
import { EVENT_ACTIONS, type EventAction } from '../image-registry-event.entity';
import { SinceNotAfterUntil } from './since-not-after-until';

export class ListImageRegistryEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Only the events of this registry (deleted ones included).',
    type: 'integer',
    minimum: 1,
    maximum: MAX_ID,
  })
  // A valid id becomes a number; anything else stays as sent and fails IsInt.
  @Transform(({ value }: { value: unknown }) => idFrom(value) ?? value)
  @IsOptional()
  @IsInt({ message: `registryId must be an integer from 1 to ${MAX_ID}` })
  registryId?: number;

  @ApiPropertyOptional({ description: 'Only events of this action.', enum: EVENT_ACTIONS })
  @IsOptional()
  @IsIn(EVENT_ACTIONS)
  action?: EventAction;

  @ApiPropertyOptional({ description: "Only events of this actor (the token's sub), exactly." })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  actor?: string;

  @ApiPropertyOptional({
    description: 'Only events at or after this time, in unix seconds.',
    type: 'integer',
    format: 'int64',
    minimum: 0,
  })
  @Transform(digitsToNumber)
  @IsOptional()
  @IsInt()
  @Min(0)
  since?: number;

  @ApiPropertyOptional({
    description: 'Only events at or before this time, in unix seconds; not before `since`.',
    type: 'integer',
    format: 'int64',
    minimum: 0,
  })
  @Transform(digitsToNumber)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Validate(SinceNotAfterUntil)
  until?: number;
}
