import { Inject, Injectable, Module, RequestMethod, type MiddlewareConsumer, type NestMiddleware, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { IdeController, sendIdePage } from './ide.controller';

/**
 * A browser opening /graphql gets the IDE; API clients (POST, or GET asking for JSON) pass through to
 * Apollo, whose own CDN-hosted landing page is disabled.
 */
@Injectable()
export class GraphqlIdePageMiddleware implements NestMiddleware {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const wantsHtml = (req.header('accept') ?? '').includes('text/html');
    if (this.config.graphqlIde && req.method === 'GET' && wantsHtml) {
      sendIdePage(res);
      return;
    }
    next();
  }
}

@Module({ controllers: [IdeController], providers: [GraphqlIdePageMiddleware] })
export class IdeModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(GraphqlIdePageMiddleware).forRoutes({ path: 'graphql', method: RequestMethod.GET });
  }
}
