import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { type Caller, CurrentCaller } from '../auth/caller';
import { Scope } from '../auth/scopes';
import { ApiIdParam } from '../common/api-id-param';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ApiErrorResponses } from '../docs/api-responses';
import { REGISTRIES_TAG } from '../docs/tags';
import { CredentialsService } from './credentials.service';
import {
  AllCredentialsQueryDto,
  CredentialsQueryDto,
  DOCKER_CONFIG_FORMAT,
  DockerAuthDto,
  DockerConfigDto,
  RegistryCredentialsDto,
  RegistryLoginDto,
} from './dto/credentials.dto';

/** The only operations that answer with passwords; `registries:write` is not enough for them. */
@ApiTags(REGISTRIES_TAG)
@ApiErrorResponses(503)
@ApiExtraModels(RegistryCredentialsDto, RegistryLoginDto, DockerConfigDto, DockerAuthDto)
@Controller('api/v1/image-registries')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get('credentials')
  @RequireScopes(Scope.Credentials)
  @ApiOperation({
    summary: 'Get the credentials of several registries',
    description:
      "For an import job: the credentials of every registry that has a username and a password (or of those `registryIds` names), ordered by id; with `format=dockerconfigjson` one Docker config.json covering them all, for a copy tool's `--authfile` (skopeo, podman, buildah, crane, docker). Keys are `host[:port]` (Docker Hub's `https://index.docker.io/v1/`); registries that share a host are keyed `host[:port]/path`, the one without a path keeping the bare key. Each registry answered is recorded as a `credentials_read` audit event; 503 and nothing sent when they cannot be.",
  })
  @ApiOkResponse({
    description: 'The credentials.',
    schema: {
      oneOf: [
        { type: 'array', items: { $ref: getSchemaPath(RegistryLoginDto) } },
        { $ref: getSchemaPath(DockerConfigDto) },
      ],
    },
  })
  @ApiErrorResponses(400, 404)
  listImageRegistryCredentials(
    @Query() query: AllCredentialsQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<RegistryLoginDto[] | DockerConfigDto> {
    return query.format === DOCKER_CONFIG_FORMAT
      ? this.credentials.dockerConfigOfRegistries(query.registryIds, caller)
      : this.credentials.ofRegistries(query.registryIds, caller);
  }

  @Get(':id/credentials')
  @RequireScopes(Scope.Credentials)
  @ApiOperation({
    summary: 'Get the credentials of a registry',
    description:
      "For the image-import service: the server, username and password in clear text, or with `format=dockerconfigjson` a Docker config.json body. Every read is recorded as a `credentials_read` audit event and logged with the token's subject and the registry id; 503 and nothing sent when the event cannot be stored.",
  })
  @ApiIdParam()
  @ApiOkResponse({
    description: 'The credentials.',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(RegistryCredentialsDto) },
        { $ref: getSchemaPath(DockerConfigDto) },
      ],
    },
  })
  @ApiErrorResponses(400, 404)
  getImageRegistryCredentials(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: CredentialsQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<RegistryCredentialsDto | DockerConfigDto> {
    return query.format === DOCKER_CONFIG_FORMAT
      ? this.credentials.dockerConfigOfRegistry(id, caller)
      : this.credentials.ofRegistry(id, caller);
  }
}
