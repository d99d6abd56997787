import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { preferredLanguage } from '../i18n/catalog';
import { requestContext } from './request-context';

const VALID_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Takes the caller's X-Request-Id when sane, otherwise makes one; every log line of the request carries it. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const requestId = incoming && VALID_ID.test(incoming) ? incoming : randomUUID();
  (req as Request & { requestId?: string }).requestId = requestId;
  res.setHeader('X-Request-Id', requestId);
  requestContext.run({ requestId, language: preferredLanguage(req.header('accept-language')) }, () => next());
}

export function requestIdOf(req: Request): string {
  return (req as Request & { requestId?: string }).requestId ?? randomUUID();
}
