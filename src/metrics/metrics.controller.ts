import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Public } from '../auth/auth.decorators';
import { HEALTH_TAG } from '../docs/tags';
import { ServiceMetrics } from './service-metrics';

@ApiTags(HEALTH_TAG)
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ServiceMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      "The service's metrics in Prometheus text format: request durations by route template, calls to registries, credentials reads, database outages, Node process metrics. No token needed; METRICS_ENABLED=false removes it.",
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The exposition.',
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example:
          '# HELP image_registry_credentials_reads_total Credentials handed out, each one recorded in the audit trail.\n# TYPE image_registry_credentials_reads_total counter\nimage_registry_credentials_reads_total 3\n',
      },
    },
  })
  getMetrics(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
