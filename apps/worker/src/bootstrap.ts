import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@zs/config';
import { JsonLogger, requestIdMiddleware } from '@zs/common';
import { WorkerModule } from './worker.module';

/** The worker application; its HTTP side only serves /health, /ready and /metrics. */
export async function createWorkerApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(WorkerModule.forRoot(config), {
    logger: config.nodeEnv === 'test' ? ['error'] : new JsonLogger(config.logLevel, 'worker'),
  });
  app.use(requestIdMiddleware);
  return app;
}
