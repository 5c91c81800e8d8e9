import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { HEALTH_TAG } from '../docs/tags';
import { ShutdownState } from './shutdown-state';

const REPORT_SCHEMA = {
  type: 'object',
  description: 'The readiness report: the overall status and one entry per dependency.',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    info: { type: 'object', additionalProperties: true },
    error: { type: 'object', additionalProperties: true },
    details: { type: 'object', additionalProperties: true },
  },
  example: {
    status: 'ok',
    info: { shutdown: { status: 'up' }, database: { status: 'up' } },
    error: {},
    details: { shutdown: { status: 'up' }, database: { status: 'up' } },
  },
};

@ApiTags(HEALTH_TAG)
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Liveness',
    description: 'Answers 200 while the process serves requests. No token needed.',
  })
  @ApiOkResponse({
    description: 'The process is serving.',
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  })
  checkLiveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness',
    description:
      'Answers 200 when the database answers, 503 while it does not and from the moment the process is told to stop (SIGTERM, SIGINT). No token needed.',
  })
  @ApiOkResponse({ description: 'Ready to serve.', schema: REPORT_SCHEMA })
  @ApiServiceUnavailableResponse({
    description: 'The database is unreachable, or the service is shutting down.',
    schema: REPORT_SCHEMA,
  })
  async checkReadiness(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => {
          const shutdown = this.indicators.check('shutdown');
          return this.shutdown.inProgress ? shutdown.down() : shutdown.up();
        },
        () => this.database.pingCheck('database', { timeout: 3_000 }),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      // The report goes to callers without a token: the driver's message (hosts, the database
      // user) stays in the log, where terminus has already written it.
      throw new ServiceUnavailableException(statusesOnly(error.getResponse() as HealthCheckResult));
    }
  }
}

function statusesOnly(report: HealthCheckResult): HealthCheckResult {
  const strip = (entries: Partial<HealthIndicatorResult> = {}): HealthIndicatorResult =>
    Object.fromEntries(
      Object.entries(entries).flatMap(([name, entry]) =>
        entry === undefined ? [] : [[name, { status: entry.status }]],
      ),
    );
  return {
    status: report.status,
    info: strip(report.info),
    error: strip(report.error),
    details: strip(report.details),
  };
}
