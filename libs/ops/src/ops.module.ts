import { Injectable, Logger, Module, type MiddlewareConsumer, type NestMiddleware, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { HealthController } from './health.controller';
import { httpObservability } from './http-observability';
import { MetricsModule } from './metrics.module';
import { MetricsService } from './metrics.service';
import { ReadinessService } from './readiness.service';

@Injectable()
export class HttpObservabilityMiddleware implements NestMiddleware {
  private readonly handler: ReturnType<typeof httpObservability>;

  constructor(metrics: MetricsService) {
    this.handler = httpObservability(metrics, new Logger('HttpAccess'));
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.handler(req, res, next);
  }
}

/**
 * /health, /ready and /metrics, plus an access-log line and request metrics for every HTTP request.
 * Needs the DataSource (DatabaseModule), REDIS_CLIENT (RedisModule) and APP_CONFIG of the host app.
 */
@Module({
  imports: [MetricsModule],
  controllers: [HealthController],
  providers: [ReadinessService, HttpObservabilityMiddleware],
  exports: [ReadinessService],
})
export class OpsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpObservabilityMiddleware).forRoutes('*');
  }
}
