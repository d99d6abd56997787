import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, gqlContextOf } from './auth.decorators';
import { UnauthenticatedException } from '../errors/domain.exception';

/**
 * Global guard for GraphQL operations: bad credentials always fail, and only operations marked
 * @Public run without a caller.
 */
@Injectable()
export class GqlAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'graphql') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    const ctx = gqlContextOf(context);
    if (isPublic) return true;
    if (ctx.authError) throw ctx.authError;
    if (!ctx.actor) throw new UnauthenticatedException();
    return true;
  }
}
