import { type DynamicModule, Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { ServiceMetrics } from './service-metrics';

/** The metrics every module records into; `GET /metrics` only when enabled. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(enabled: boolean): DynamicModule {
    return {
      module: MetricsModule,
      controllers: enabled ? [MetricsController] : [],
      providers: [ServiceMetrics],
      exports: [ServiceMetrics],
    };
  }
}
