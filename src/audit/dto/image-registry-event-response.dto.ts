import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  EVENT_ACTIONS,
  type EventAction,
  type ImageRegistryEvent,
} from '../image-registry-event.entity';

@ApiSchema({
  name: 'ImageRegistryEvent',
  description:
    'One change of a registry, or one read of its credentials. It names the fields that changed, never a value.',
})
export class ImageRegistryEventResponseDto {
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 1, example: 17 })
  id!: number;

  @ApiProperty({
    description: 'Unix seconds.',
    type: 'integer',
    format: 'int64',
    example: 1705305600,
  })
  at!: number;

  @ApiProperty({ enum: EVENT_ACTIONS, example: 'updated' })
  action!: EventAction;

  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, example: 1 })
  registry_id!: number;

  @ApiProperty({
    description: "The registry's name right after the event (before it, for deleted).",
    example: 'docker-hub',
  })
  registry_name!: string;

  @ApiProperty({
    description: "The registry's URL right after the event (before it, for deleted).",
    example: 'https://registry-1.docker.io',
  })
  registry_url!: string;

  @ApiProperty({
    description: "The token's sub; null when it has none.",
    type: String,
    nullable: true,
    example: 'alice',
  })
  actor!: string | null;

  @ApiProperty({
    description:
      'The fields whose stored value changed, in this order: name, url, username, password, default, description, insecure, ca_certificate. Empty for deleted and credentials_read.',
    type: [String],
    example: ['default'],
  })
  changes!: string[];

  @ApiProperty({
    description: 'The X-Request-Id of the request that made the event.',
    example: '7b0c6f9e-2f4c-4c61-9d1e-0a4b1f7c2d33',
  })
  request_id!: string;
}

export function toImageRegistryEventResponse(
  event: ImageRegistryEvent,
): ImageRegistryEventResponseDto {
  return {
    id: event.id,
    at: event.at,
    action: event.action,
    registry_id: event.registryId,
    registry_name: event.registryName,
    registry_url: event.registryUrl,
    actor: event.actor,
    changes: event.changes,
    request_id: event.requestId,
  };
}
