import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

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
