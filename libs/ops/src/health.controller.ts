import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsService } from './metrics.service';
import { ReadinessService } from './readiness.service';

/** Liveness, readiness and Prometheus metrics; plain HTTP, no authentication (keep them off the public edge). */
@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly readiness: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  /** The process is alive and serving HTTP; says nothing about its dependencies. */
  @Get('health')
  @Header('Cache-Control', 'no-store')
  health(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  /**
   * 200 when every required dependency answers (`degraded` when an optional one does not, e.g.
   * Meilisearch: search then answers from PostgreSQL), otherwise 503 naming what failed.
   */
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.readiness.check();
    res
      .status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({
        status: !report.ready ? 'unavailable' : report.degraded.length ? 'degraded' : 'ready',
        failed: report.failed,
        degraded: report.degraded,
        checks: report.checks,
      });
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    res.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
