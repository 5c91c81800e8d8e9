import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { ImageRegistryResponseDto } from '../../registries/dto/image-registry-response.dto';
import { IsOptionalNotNull } from '../../registries/dto/validators';

@ApiSchema({ name: 'ResolveImageRequest' })
export class ResolveImageDto {
  @ApiProperty({
    description:
      'An image reference as the Docker CLI accepts it: `nginx`, `nginx:1.27`, `library/nginx@sha256:…`, `harbor.example.com:8443/proj/app:v1`.',
    maxLength: 512,
    example: 'nginx:1.27',
  })
  @IsString()
  @MaxLength(512)
  image!: string;

  @ApiProperty({
    description:
      'Ask the registry for the manifest (with the stored credentials) and fill `digest`.',
    required: false,
    default: false,
  })
  @IsOptionalNotNull()
  @IsBoolean()
  check?: boolean;
}

@ApiSchema({ name: 'ResolvedImage', description: 'Where an image comes from.' })
export class ResolvedImageDto {
  @ApiProperty({ type: ImageRegistryResponseDto, description: 'The registry to pull from.' })
  registry!: ImageRegistryResponseDto;

  @ApiProperty({
    description:
      'The full reference: host/repository:tag, host/repository@digest, or both; Docker Hub is written docker.io.',
    example: 'docker.io/library/nginx:1.27',
  })
  reference!: string;

  @ApiProperty({ example: 'library/nginx' })
  repository!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The tag; latest when neither tag nor digest was given.',
    example: '1.27',
  })
  tag!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The digest given, or the one the registry reported when checked.',
    example: 'sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31',
  })
  digest!: string | null;
}
