import type { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type AppConfig } from '@zs/config';
import { JsonLogger, bodyParserErrorHandler, requestIdMiddleware } from '@zs/common';
import { AppModule } from './app.module';
import { consoleMiddleware } from './console/console-assets';

export interface ApiAppOptions {
  /** More modules in the same application (the zero-setup starter adds the worker's processors). */
  imports?: NonNullable<ModuleMetadata['imports']>;
  /** Where the built console is (default: dist/web of this checkout). */
  consoleDir?: string;
  /** Close on SIGTERM/SIGINT (default); a caller with its own shutdown sequence turns this off. */
  shutdownHooks?: boolean;
}

/** Builds the api application; `listen` is left to the caller so tests can bind port 0. */
export async function createApiApp(config: AppConfig, options: ApiAppOptions = {}): Promise<NestExpressApplication> {
  const logger = new JsonLogger(config.logLevel, 'api');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.imports), {
    logger: config.nodeEnv === 'test' ? ['error'] : logger,
    bodyParser: false,
  });
  app.use(requestIdMiddleware);
  // The web console at `/` (same origin); the api's own paths are never shadowed.
  app.use(consoleMiddleware(options.consoleDir));
  if (config.corsOrigins.length > 0) {
    // Browsers send the preflight; Apollo's CSRF prevention still refuses simple (form-like) requests.
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'accept-language', 'apollo-require-preflight', 'x-request-id'],
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    });
  }
  app.useBodyParser('json', { limit: config.limits.maxBodyBytes });
  // Over-size or malformed bodies: a JSON GraphQL error (413/400), not Express's HTML page.
  app.use(bodyParserErrorHandler(config.limits.maxBodyBytes));
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}
