import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { Scope } from '../auth/scopes';
import { ApiIdParam } from '../common/api-id-param';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ApiErrorResponses } from '../docs/api-responses';
import { REGISTRIES_TAG } from '../docs/tags';
import { ConnectivityService } from './connectivity.service';
import { ConnectionTestResultDto } from './dto/connection-test-result.dto';
import { ResolvedImageDto, ResolveImageDto } from './dto/resolve-image.dto';
import { EmptyBodyDto, TestRegistryDto } from './dto/test-registry.dto';

/** The bridge to image import: testing registries and resolving images. */
@ApiTags(REGISTRIES_TAG)
@ApiErrorResponses(503)
@Controller('api/v1/image-registries')
export class ConnectivityController {
  constructor(private readonly connectivity: ConnectivityService) {}

  @Post('test')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(Scope.Write)
  @ApiOperation({
    summary: 'Test an unsaved registry',
    description:
      'The console\'s "Test connection" button: runs the Docker Registry V2 handshake (GET /v2/, then the Basic or Bearer challenge) against a registry that is not saved yet. A failed test is still a 200.',
  })
  @ApiOkResponse({ description: 'The test result.', type: ConnectionTestResultDto })
  @ApiErrorResponses(400, 413, 415)
  testUnsavedImageRegistry(@Body() body: TestRegistryDto): Promise<ConnectionTestResultDto> {
    return this.connectivity.testUnsaved(body);
  }

  @Post('resolve')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(Scope.Read)
  @ApiOperation({
    summary: 'Resolve an image reference',
    description:
      "Finds the registry an image comes from: the configured registry with the reference's host (Docker Hub aliases count as Docker Hub; the longest path prefix wins), or the default registry when the reference names none. With `check: true` the registry is asked for the manifest (OCI and Docker manifest and index types) with the stored credentials, and `digest` is filled. 404: no registry fits, or the image is not there; 502: the registry is unreachable or refuses the credentials; 429: it rate-limits (with its `Retry-After`); 504: it did not answer in time.",
  })
  @ApiOkResponse({ description: 'Where the image comes from.', type: ResolvedImageDto })
  @ApiErrorResponses(400, 404, 413, 415, 429, 502, 504)
  resolveImage(@Body() body: ResolveImageDto): Promise<ResolvedImageDto> {
    return this.connectivity.resolve(body);
  }

  @Post(':id/test')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(Scope.Write)
  @ApiOperation({
    summary: 'Test a saved registry',
    description:
      'Runs the Docker Registry V2 handshake with the stored URL, credentials and TLS settings. The body must be empty or `{}`: nothing can be overridden, so stored credentials never go to a URL the caller chose. A failed test is still a 200.',
  })
  @ApiIdParam()
  @ApiBody({ type: EmptyBodyDto, required: false })
  @ApiOkResponse({ description: 'The test result.', type: ConnectionTestResultDto })
  @ApiErrorResponses(400, 404, 413, 415)
  testImageRegistry(
    @Param('id', ParseIdPipe) id: number,
    @Body() _body: EmptyBodyDto,
  ): Promise<ConnectionTestResultDto> {
    return this.connectivity.testSaved(id);
  }
}
