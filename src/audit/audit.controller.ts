import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators';
import { Scope } from '../auth/scopes';
import { ApiPageResponse, withTotalCount } from '../common/page-responses';
import { ApiErrorResponses } from '../docs/api-responses';
import { REGISTRIES_TAG } from '../docs/tags';
import { AuditService } from './audit.service';
import { ImageRegistryEventResponseDto } from './dto/image-registry-event-response.dto';
import { ListImageRegistryEventsQueryDto } from './dto/list-image-registry-events-query.dto';

@ApiTags(REGISTRIES_TAG)
@ApiErrorResponses(503)
@Controller('api/v1/image-registries')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('events')
  @RequireScopes(Scope.Audit)
  @ApiOperation({
    summary: 'List the audit trail',
    description:
      "Every change of a registry and every read of its credentials, newest first, with who did it (the token's sub) and the request id. The filters combine; X-Total-Count gives the number of events they match. Events of deleted registries stay listed.",
  })
  @ApiPageResponse(
    ImageRegistryEventResponseDto,
    'One page of events.',
    'The number of events the filters match.',
  )
  @ApiErrorResponses(400)
  async listImageRegistryEvents(
    @Query() query: ListImageRegistryEventsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImageRegistryEventResponseDto[]> {
    const { pageNum, pageSize, ...filters } = query;
    return withTotalCount(reply, await this.audit.list(filters, pageNum, pageSize));
  }
}
