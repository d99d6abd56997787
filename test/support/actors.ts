import { ApiClientService } from '@zs/identity';
import { userToken, type TestApp } from './harness';
import type { Auth } from './gql';
import { pMap } from './gql';
import { withDb } from './pg';

export type RoleName = 'VIEWER' | 'OFFICER' | 'MANAGER' | 'ADMIN';

export type Actor =
  | { kind: 'user'; name: string; unit: string; role: RoleName; auth: Auth }
  | { kind: 'api'; name: string; unit: string; scopes: string[]; auth: Auth };

export interface UserSpec {
  name: string;
  unit: string;
  role: RoleName;
}

export interface ApiSpec {
  name: string;
  unit: string;
  /** [] makes a client without any scope (the service refuses to create one, so it is stripped in SQL). */
  scopes: string[];
}

/** Creates users (signed in through the real login) and API clients; a few at a time to spare argon2. */
export async function createActors(t: TestApp, users: UserSpec[], apis: ApiSpec[] = []): Promise<Map<string, Actor>> {
  const out = new Map<string, Actor>();
  await pMap(users, 4, async (u) => {
    const token = await userToken(t, u.name, u.unit, u.role);
    out.set(u.name, { kind: 'user', name: u.name, unit: u.unit, role: u.role, auth: { token } });
  });
  for (const a of apis) {
    const { key, client } = await t.app.get(ApiClientService).create({
      name: a.name,
      unitCode: a.unit,
      scopes: a.scopes.length > 0 ? a.scopes : ['leads:read'],
      rateLimitPerMinute: 100000,
    });
    if (a.scopes.length === 0) {
      await withDb(t, (c) => c.query(`UPDATE api_client SET scopes = '{}' WHERE id = $1`, [client.id]));
    }
    out.set(a.name, { kind: 'api', name: a.name, unit: a.unit, scopes: a.scopes, auth: { apiKey: key } });
  }
  return out;
}

export function roleRank(r: RoleName): number {
  return { VIEWER: 0, OFFICER: 1, MANAGER: 2, ADMIN: 3 }[r];
}
