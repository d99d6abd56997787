import type { Request, Response } from 'express';
import type { Actor } from './actor';
import type { DomainException } from '../errors/domain.exception';

/** What every resolver receives as GraphQL context. */
export interface GqlContext {
  req: Request;
  res?: Response;
  requestId: string;
  actor: Actor | null;
  /** Set when the request carried credentials that did not check out. */
  authError: DomainException | null;
  /** Per-request DataLoaders, created on first use. */
  loaders: Map<string, unknown>;
}

export function requestLoader<T>(ctx: GqlContext, key: string, create: () => T): T {
  let loader = ctx.loaders.get(key) as T | undefined;
  if (loader === undefined) {
    loader = create();
    ctx.loaders.set(key, loader);
  }
  return loader;
}
