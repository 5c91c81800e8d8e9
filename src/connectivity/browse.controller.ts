import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { Scope } from '../auth/scopes';
import { ApiIdParam } from '../common/api-id-param';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ApiErrorResponses } from '../docs/api-responses';
import { REGISTRIES_TAG } from '../docs/tags';
import {
  RegistryListQueryDto,
  RepositoryPageDto,
  TagPageDto,
  TagsQueryDto,
} from './dto/browse.dto';
import { RegistryBrowser } from './registry-browser';

/** The import picker: what a registry holds, asked of the registry with its stored credentials. */
@ApiTags(REGISTRIES_TAG)
@ApiErrorResponses(503)
@Controller('api/v1/image-registries')
export class BrowseController {
  constructor(private readonly browser: RegistryBrowser) {}

  @Get(':id/repositories')
  @RequireScopes(Scope.Read)
  @ApiOperation({
    summary: "List a registry's repositories",
    description:
      "A page of the registry's catalog (`/v2/_catalog`), asked with the stored credentials (Basic, or a Bearer token with scope `registry:catalog:*`). Follow `next` as `last` for the next page. 404: unknown registry; 501: the registry does not offer its catalog to these credentials (Docker Hub never does); 502: unreachable, or it refuses the credentials; 429: it rate-limits (with its `Retry-After`); 504: it did not answer in time.",
  })
  @ApiIdParam()
  @ApiOkResponse({ description: 'A page of repositories.', type: RepositoryPageDto })
  @ApiErrorResponses(400, 404, 429, 501, 502, 504)
  listImageRegistryRepositories(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: RegistryListQueryDto,
  ): Promise<RepositoryPageDto> {
    return this.browser.repositories(id, query.n, query.last);
  }

  @Get(':id/tags')
  @RequireScopes(Scope.Read)
  @ApiOperation({
    summary: "List a repository's tags",
    description:
      "A page of a repository's tags (`/v2/<repository>/tags/list`, Bearer scope `repository:<name>:pull`). On Docker Hub a one-part repository gets `library/`. 404: unknown registry, or a repository the registry does not know (or these credentials may not read); 502: unreachable, or it refuses the credentials; 429: it rate-limits (with its `Retry-After`); 504: it did not answer in time.",
  })
  @ApiIdParam()
  @ApiOkResponse({ description: 'A page of tags.', type: TagPageDto })
  @ApiErrorResponses(400, 404, 429, 502, 504)
  listImageRegistryTags(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: TagsQueryDto,
  ): Promise<TagPageDto> {
    return this.browser.tags(id, query.repository, query.n, query.last);
  }
}
