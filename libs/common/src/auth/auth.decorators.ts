import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GqlContext } from './gql-context';
import { UnauthenticatedException } from '../errors/domain.exception';

export const IS_PUBLIC = 'zs:isPublic';

/** Marks an operation that anonymous callers may use (login). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

export function gqlContextOf(context: ExecutionContext): GqlContext {
  return GqlExecutionContext.create(context).getContext<GqlContext>();
}

/** The authenticated caller; resolvers never see a request without one unless marked @Public. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const actor = gqlContextOf(context).actor;
  if (!actor) throw new UnauthenticatedException();
  return actor;
});

