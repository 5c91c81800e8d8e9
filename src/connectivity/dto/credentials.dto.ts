import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional } from 'class-validator';
import { idFrom } from '../../common/parse-id.pipe';

export const DOCKER_CONFIG_FORMAT = 'dockerconfigjson';

export class CredentialsQueryDto {
  @ApiPropertyOptional({
    enum: [DOCKER_CONFIG_FORMAT],
    description: 'dockerconfigjson: answer with a Docker config.json body instead.',
  })
  @IsOptional()
  @IsIn([DOCKER_CONFIG_FORMAT])
  format?: typeof DOCKER_CONFIG_FORMAT;
}

@ApiSchema({ name: 'RegistryCredentials', description: 'How to log in to a registry.' })
export class RegistryCredentialsDto {
  @ApiProperty({
    description:
      'The server as `docker login` writes it: host[:port], or https://index.docker.io/v1/ for Docker Hub.',
    example: 'harbor.example.com:8443',
  })
  server!: string;

  @ApiProperty({ type: String, nullable: true, example: 'robot$import' })
  username!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The password in clear text.' })
  password!: string | null;
}

@ApiSchema({
  name: 'DockerAuth',
  description: 'How to log in to one registry, as docker login writes it.',
})
export class DockerAuthDto {
  @ApiProperty()
  username!: string;

  @ApiProperty()
  password!: string;

  @ApiProperty({ description: 'base64 of username:password.' })
  auth!: string;
}

@ApiExtraModels(DockerAuthDto)
@ApiSchema({
  name: 'DockerConfig',
  description: 'A Docker config.json; `auths` is empty for a registry without credentials.',
})
export class DockerConfigDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(DockerAuthDto) },
  })
  auths!: Record<string, DockerAuthDto>;
}

@ApiSchema({
  name: 'RegistryLogin',
  description: 'How to log in to one of several registries (the registries that have credentials).',
})
export class RegistryLoginDto {
  @ApiProperty({ type: 'integer', format: 'int32', example: 4 })
  registry_id!: number;

  @ApiProperty({
    description:
      'The server as `docker login` writes it: host[:port], or https://index.docker.io/v1/ for Docker Hub.',
    example: 'harbor.example.com:8443',
  })
  server!: string;

  @ApiProperty({ example: 'robot$import' })
  username!: string;

  @ApiProperty({ description: 'The password in clear text.' })
  password!: string;
}

/** At most this many ids in one `registryIds`. */
export const MAX_REGISTRY_IDS = 100;

/** `registryIds=1,4`: distinct valid ids, in the order given; anything else stays as sent. */
function idList({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const ids = value.split(',').map(idFrom);
  if (ids.some((id) => id === undefined)) return value;
  return [...new Set(ids as number[])];
}

export class AllCredentialsQueryDto extends CredentialsQueryDto {
  @ApiPropertyOptional({
    type: 'string',
    pattern: '^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9})*$',
    description: `Comma-separated registry ids (at most ${MAX_REGISTRY_IDS}; a repeated id counts once): only these registries. An id that does not exist is a 404.`,
    example: '1,4',
  })
  @Transform(idList)
  @IsOptional()
  @IsArray({ message: 'registryIds must be a comma-separated list of registry ids' })
  @IsInt({ each: true, message: 'registryIds must be a comma-separated list of registry ids' })
  @ArrayMaxSize(MAX_REGISTRY_IDS, {
    message: `registryIds must name at most ${MAX_REGISTRY_IDS} registries`,
  })
  registryIds?: number[];
}
