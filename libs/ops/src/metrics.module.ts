import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** One MetricsService (and Prometheus registry) per application, visible to every module. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
