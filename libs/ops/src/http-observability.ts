import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestIdOf } from '@zs/common';
import type { MetricsService } from './metrics.service';

/** Paths served by middleware mounted outside Nest's router (Apollo), which leave no `req.route`. */
const MOUNTED_PATHS = new Set(['/graphql']);
/** Probes and scrapes arrive every few seconds: their access lines go to debug. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

function pathnameOf(req: Request): string {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}

/**
 * The route template (`/ide/assets/:file`), never the raw path, so metric labels stay bounded;
 * unknown paths collapse into `unmatched`.
 */
export function routeLabel(req: Request, res: Response): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl ?? ''}${route.path}`;
  const path = pathnameOf(req);
  if (MOUNTED_PATHS.has(path)) return path;
  return res.statusCode === 404 ? 'unmatched' : 'other';
}

/**
 * One access-log line (JSON, with the request id) and one metrics observation per request.
 * Mount after requestIdMiddleware so the id is known.
 */
export function httpObservability(metrics: MetricsService, logger: LoggerService) {
  return function observe(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A client that hung up before the response completed: record it as such (nginx's 499).
      const status = res.writableFinished ? res.statusCode : 499;
      const route = routeLabel(req, res);
      metrics.observeHttp(req.method, route, status, seconds);
      const path = pathnameOf(req);
      const entry = {
        msg: 'request',
        requestId: requestIdOf(req),
        method: req.method,
        path,
        route,
        status,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        bytes: Number(res.getHeader('content-length') ?? 0) || undefined,
        remoteAddress: req.ip,
        userAgent: req.header('user-agent'),
      };
      // The logger carries its own context (Nest's Logger('HttpAccess')).
      if (QUIET_PATHS.has(path)) logger.debug?.(entry);
      else if (status >= 500) logger.warn(entry);
      else logger.log(entry);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}
