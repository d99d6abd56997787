import type { NextFunction, Request, Response } from 'express';

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  limit?: unknown;
}

/**
 * Express error handler placed right after the JSON body parser. Without it a body over the size
 * limit or malformed JSON reaches Express's default handler, which answers in HTML (with a stack
 * trace unless NODE_ENV=production). Here the caller gets a GraphQL-shaped JSON error instead, and
 * no resolver (nor Apollo) ever sees the request.
 */
export function bodyParserErrorHandler(maxBodyBytes: number) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const e = (err ?? {}) as BodyParserError;
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 0;
    if (typeof e.type !== 'string' || status < 400 || status >= 500 || res.headersSent) {
      next(err);
      return;
    }
    let error: { message: string; extensions: Record<string, unknown> };
    if (e.type === 'entity.too.large') {
      error = {
        message: `Request body exceeds the limit of ${maxBodyBytes} bytes`,
        extensions: { code: 'BAD_REQUEST', limit: 'body', maxBodyBytes },
      };
    } else if (e.type === 'entity.parse.failed') {
      error = { message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } };
    } else {
      error = { message: 'Request body could not be read', extensions: { code: 'BAD_REQUEST', reason: e.type } };
    }
    res.status(status).type('application/json').send(JSON.stringify({ errors: [error] }));
  };
}
