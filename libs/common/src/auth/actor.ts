export enum Role {
  ADMIN = 'ADMIN',
  MANAGER = 'MANAGER',
  OFFICER = 'OFFICER',
  VIEWER = 'VIEWER',
}

const ROLE_RANK: Record<Role, number> = {
  [Role.VIEWER]: 0,
  [Role.OFFICER]: 1,
  [Role.MANAGER]: 2,
  [Role.ADMIN]: 3,
};

export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}

export enum ApiScope {
  LeadsRead = 'leads:read',
  LeadsWrite = 'leads:write',
}

export type Tier = 'CITY' | 'DISTRICT' | 'ZONE';

interface ActorBase {
  id: string;
  unitId: string;
  /** Materialized path of the actor's unit ("/city/district/zone/"); the basis of every visibility rule. */
  unitPath: string;
  unitTier: Tier;
}

export interface UserActor extends ActorBase {
  kind: 'user';
  role: Role;
  username: string;
}

export interface ApiClientActor extends ActorBase {
  kind: 'apiClient';
  scopes: ApiScope[];
  name: string;
  rateLimitPerMinute: number;
}

/** Whoever is calling: resolved once per request and passed down to every data-layer query. */
export type Actor = UserActor | ApiClientActor;

export function hasScope(actor: Actor, scope: ApiScope): boolean {
  return actor.kind === 'user' || actor.scopes.includes(scope);
}

/** Ids of the units on a materialized path, root first. */
export function pathIds(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}
