import { Catch, type ArgumentsHost, type ExceptionFilter, Injectable, HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Actor, DomainException, UnauthenticatedException, currentLanguage, domainExtensions, httpStatusOf, translate } from '@zs/common';
import { AuthService } from '@zs/identity';

/** The caller of a plain HTTP endpoint, by the same credentials as /graphql (Bearer token or X-API-Key). */
@Injectable()
export class HttpActorResolver {
  constructor(private readonly auth: AuthService) {}

  async of(req: Request): Promise<Actor> {
    const { actor, error } = await this.auth.authenticate({
      authorization: req.header('authorization'),
      apiKey: req.header('x-api-key'),
    });
    if (error) throw error;
    if (!actor) throw new UnauthenticatedException();
    return actor;
  }
}

/**
 * Domain exceptions of the file endpoints as the GraphQL errors look (status from the one mapping,
 * `extensions` from domainExtensions), so clients read one error shape everywhere.
 */
@Catch()
export class FileEndpointErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof DomainException) {
      const language = currentLanguage();
      const fields = error.fields.map((f) => ({ ...f, message: translate(f.message, language) }));
      res.status(httpStatusOf(error.code)).json({
        errors: [{ message: translate(error.message, language), extensions: { ...domainExtensions(error), ...(fields.length ? { fields } : {}) } }],
      });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 413 ? 'BAD_USER_INPUT' : status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT';
      res.status(status === 413 ? 413 : status).json({ errors: [{ message: error.message, extensions: { code } }] });
      return;
    }
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  }
}
