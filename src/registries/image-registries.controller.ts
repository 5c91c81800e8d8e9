import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators';
import { type Caller, CurrentCaller } from '../auth/caller';
import { Scope } from '../auth/scopes';
import { ApiIdParam } from '../common/api-id-param';
import { matchesWeakly, parseEntityTagCondition } from '../common/entity-tags';
import { ETAG_HEADER } from '../common/http-headers';
import { ApiPageResponse, withTotalCount } from '../common/page-responses';
import { ParseIdPipe } from '../common/parse-id.pipe';
import {
  ApiIfMatch,
  ApiIfNoneMatch,
  ETAG_RESPONSE_HEADER,
  withEntityTag,
} from '../common/versioned-responses';
import { ApiErrorResponses } from '../docs/api-responses';
import { REGISTRIES_TAG } from '../docs/tags';
import { CreateImageRegistryDto } from './dto/create-image-registry.dto';
import { ImageRegistryResponseDto } from './dto/image-registry-response.dto';
import { ListImageRegistriesQueryDto } from './dto/list-image-registries-query.dto';
import { UpdateImageRegistryDto } from './dto/update-image-registry.dto';
import { ImageRegistriesService } from './image-registries.service';

@ApiTags(REGISTRIES_TAG)
@ApiErrorResponses(503)
@Controller('api/v1/image-registries')
export class ImageRegistriesController {
  constructor(private readonly registries: ImageRegistriesService) {}

  @Post()
  @RequireScopes(Scope.Write)
  @ApiOperation({
    summary: 'Create an image registry',
    description:
      'Stores a registry connection. The URL is normalised; the password is encrypted and never returned. With `default: true` it becomes the default registry and the previous default stops being one.',
  })
  @ApiCreatedResponse({
    description: 'The created registry.',
    type: ImageRegistryResponseDto,
    headers: ETAG_RESPONSE_HEADER,
  })
  @ApiErrorResponses(400, 409, 413, 415)
  async createImageRegistry(
    @Body() body: CreateImageRegistryDto,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImageRegistryResponseDto> {
    return withEntityTag(reply, await this.registries.create(body, caller));
  }

  @Get()
  @RequireScopes(Scope.Read)
  @ApiOperation({
    summary: 'List image registries',
    description:
      'One page of registries ordered by id ascending. The total number of registries is in the X-Total-Count header; a page past the end is an empty array.',
  })
  @ApiPageResponse(
    ImageRegistryResponseDto,
    'One page of registries.',
    'The total number of registries.',
  )
  @ApiErrorResponses(400)
  async listImageRegistries(
    @Query() query: ListImageRegistriesQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImageRegistryResponseDto[]> {
    return withTotalCount(reply, await this.registries.list(query.pageNum, query.pageSize));
  }

  @Get('default')
  @RequireScopes(Scope.Read)
  @ApiOperation({
    summary: 'Get the default image registry',
    description: 'The registry images are imported from when a reference names no registry.',
  })
  @ApiOkResponse({
    description: 'The default registry.',
    type: ImageRegistryResponseDto,
    headers: ETAG_RESPONSE_HEADER,
  })
  @ApiErrorResponses(404)
  async getDefaultImageRegistry(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImageRegistryResponseDto> {
    return withEntityTag(reply, await this.registries.getDefault());
  }

  @Get(':id')
  @RequireScopes(Scope.Read)
  @ApiOperation({ summary: 'Get an image registry', description: 'One registry, by id.' })
  @ApiIdParam()
  @ApiIfNoneMatch()
  @ApiOkResponse({
    description: 'The registry.',
    type: ImageRegistryResponseDto,
    headers: ETAG_RESPONSE_HEADER,
  })
  @ApiErrorResponses(400, 404)
  async getImageRegistry(
    @Param('id', ParseIdPipe) id: number,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImageRegistryResponseDto | undefined> {
    const condition = parseEntityTagCondition(ifNoneMatch, 'If-None-Match');
    const answer = await this.registries.get(id);
    if (condition !== undefined && matchesWeakly(condition, answer.etag)) {
      void reply.code(HttpStatus.NOT_MODIFIED).header(ETAG_HEADER, answer.etag);
      return undefined;
    }
    return withEntityTag(reply, answer);
  }

  @Put(':id')
  @RequireScopes(Scope.Write)
  @ApiOperation({
    summary: 'Update an image registry',
    description:
      'Partial update: an omitted field keeps its value, so the password need not be sent again. `username: null` clears the username and the password; `password: null` clears the password; a changed URL without a new password clears the stored password.',
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiOkResponse({
    description: 'The updated registry.',
    type: ImageRegistryResponseDto,
    headers: ETAG_RESPONSE_HEADER,
  })
  @ApiErrorResponses(400, 404, 409, 412, 413, 415)
  async updateImageRegistry(
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateImageRegistryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImageRegistryResponseDto> {
    const condition = parseEntityTagCondition(ifMatch, 'If-Match');
    return withEntityTag(reply, await this.registries.update(id, body, caller, condition));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(Scope.Write)
  @ApiOperation({
    summary: 'Delete an image registry',
    description:
      'Removes the registry and its credentials. Deleting the default leaves no default. Images already imported are not affected.',
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiOkResponse({ description: 'Deleted; the body is empty.' })
  @ApiErrorResponses(400, 404, 412)
  deleteImageRegistry(
    @Param('id', ParseIdPipe) id: number,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    return this.registries.remove(id, caller, parseEntityTagCondition(ifMatch, 'If-Match'));
  }
}
