import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ImageRegistry } from '../image-registry.entity';

const UNIX_SECONDS = { type: 'integer', format: 'int64', example: 1705305600 } as const;

/** A registry as callers see it. It has no password field, by construction. */
@ApiSchema({
  name: 'ImageRegistry',
  description: 'A registry as callers see it; it never carries a password.',
})
export class ImageRegistryResponseDto {
  @ApiProperty({
    description: 'Assigned by the service.',
    type: 'integer',
    format: 'int32',
    minimum: 1,
    example: 1,
  })
  id!: number;

  @ApiProperty({ example: 'docker-hub' })
  name!: string;

  @ApiProperty({ description: 'Normalised URL.', example: 'https://registry-1.docker.io' })
  url!: string;

  @ApiProperty({ type: String, nullable: true, example: 'myuser' })
  username!: string | null;

  @ApiProperty({ description: 'Whether this is the default registry.', example: false })
  default!: boolean;

  @ApiProperty({ example: '' })
  description!: string;

  @ApiProperty({ description: 'TLS certificate verification is skipped.', example: false })
  insecure!: boolean;

  @ApiProperty({
    description: 'PEM certificates of a private CA trusted for this registry, or null.',
    type: String,
    nullable: true,
    example: null,
  })
  ca_certificate!: string | null;

  @ApiProperty({ description: 'Unix seconds.', ...UNIX_SECONDS })
  created_at!: number;

  @ApiProperty({ description: 'Unix seconds; moves on every change.', ...UNIX_SECONDS })
  updated_at!: number;
}

export function toImageRegistryResponse(registry: ImageRegistry): ImageRegistryResponseDto {
  return {
    id: registry.id,
    name: registry.name,
    url: registry.url,
    username: registry.username,
    default: registry.isDefault,
    description: registry.description,
    insecure: registry.insecure,
    ca_certificate: registry.caCertificate,
    created_at: registry.createdAt,
    updated_at: registry.updatedAt,
  };
}
