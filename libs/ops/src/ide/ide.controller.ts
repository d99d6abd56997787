import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { IDE_CONTENT_SECURITY_POLICY, ideAsset, ideHtml } from './ide-assets';

export function sendIdePage(res: Response): void {
  res
    .status(200)
    .setHeader('Content-Security-Policy', IDE_CONTENT_SECURITY_POLICY)
    .setHeader('X-Content-Type-Options', 'nosniff')
    .setHeader('Cache-Control', 'no-cache')
    .type('text/html; charset=utf-8')
    .send(ideHtml());
}

/** The in-browser GraphQL IDE at /ide (also at GET /graphql for browsers), with every file served locally. */
@Controller('ide')
export class IdeController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  page(@Res() res: Response): void {
    if (!this.config.graphqlIde) throw new NotFoundException();
    sendIdePage(res);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const asset = this.config.graphqlIde ? ideAsset(file) : undefined;
    if (!asset) throw new NotFoundException();
    res
      .status(200)
      .setHeader('X-Content-Type-Options', 'nosniff')
      // Asset URLs carry the GraphiQL version, so a day of caching is safe.
      .setHeader('Cache-Control', 'public, max-age=86400')
      .type(`${asset.contentType}; charset=utf-8`)
      .send(asset.body);
  }
}
