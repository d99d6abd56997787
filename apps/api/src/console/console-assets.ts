import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/**
 * Paths the api answers itself: the console never shadows them (its SPA fallback is for the rest).
 * Keep in step with the controllers and mounts of the api (bootstrap.ts, libs/ops, libs/excel, libs/notifications).
 */
export const API_PATH_PREFIXES = ['/graphql', '/ide', '/health', '/ready', '/metrics', '/admin/queues', '/templates', '/imports', '/exports'];

// Scripts and styles only from this origin; antd's CSS-in-JS writes <style> elements (inline styles).
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** dist/web of this checkout: the directory holding package.json, above this file (source or dist/). */
export function defaultConsoleDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'web');
}

function isApiPath(p: string): boolean {
  return API_PATH_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>控制台尚未构建</title></head>
<body><h1>控制台尚未构建 / The console is not built</h1>
<p>请运行 <code>npm run build:web</code>（或 <code>npm run build</code>）后刷新本页。GraphQL 接口仍在 <a href="/graphql">/graphql</a>。</p>
<p>Run <code>npm run build:web</code> (or <code>npm run build</code>) and reload. The GraphQL API is at <a href="/graphql">/graphql</a>.</p>
</body></html>`;

/**
 * The web console at `/`: its hashed assets under /assets/, and index.html for any other browser GET
 * (client-side routes) outside the api's own paths. Everything else falls through to Nest (404 JSON).
 */
export function consoleMiddleware(dir: string = defaultConsoleDir()) {
  const assetsDir = path.join(dir, 'assets');
  let index: string | undefined;
  const indexHtml = (): string | undefined => {
    // Read once it exists: a build after the api started is picked up without a restart.
    if (index === undefined && existsSync(path.join(dir, 'index.html'))) index = readFileSync(path.join(dir, 'index.html'), 'utf8');
    return index;
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    const asset = /^\/assets\/([\w.-]+)$/.exec(req.path);
    if (asset) {
      const file = path.join(assetsDir, asset[1]);
      const type = CONTENT_TYPES[path.extname(file)];
      if (!type || !existsSync(file) || !statSync(file).isFile()) return next();
      res
        .status(200)
        .setHeader('X-Content-Type-Options', 'nosniff')
        // File names carry a content hash: cache for a year.
        .setHeader('Cache-Control', 'public, max-age=31536000, immutable')
        .type(type)
        .send(readFileSync(file));
      return;
    }
    // Client routes are for browsers navigating (Accept: text/html); other clients get the api's 404.
    if (!/text\/html/.test(req.header('accept') ?? '')) return next();
    if (path.extname(req.path) !== '') return next();
    const html = indexHtml();
    res.setHeader('X-Content-Type-Options', 'nosniff').setHeader('Cache-Control', 'no-cache');
    if (!html) {
      res.status(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      return;
    }
    res.status(200).setHeader('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY).type('text/html; charset=utf-8').send(html);
  };
}
