import type { INestApplication } from '@nestjs/common';
import { OrgUnitService } from '@zs/org';
import { ApiClientService, UserService } from '@zs/identity';
import type { TestApp } from './test-app';

export const TEST_PASSWORD = 'correct-horse-battery';

export async function seedXian(app: INestApplication): Promise<void> {
  await app.get(OrgUnitService).seedXian();
}

/** Creates a user and signs in through the real login mutation; returns the access token. */
export async function userToken(t: TestApp, username: string, unitCode: string, role: string): Promise<string> {
  await t.app.get(UserService).create({ username, password: TEST_PASSWORD, unitCode, role });
  const res = await t.gql<{ login: { accessToken: string } }>(
    `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`,
    { u: username, p: TEST_PASSWORD },
  );
  if (!res.body.data?.login) throw new Error(`login failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.login.accessToken;
}

export async function apiKey(t: TestApp, name: string, unitCode: string, scopes: string[] = ['leads:read']): Promise<string> {
  const { key } = await t.app.get(ApiClientService).create({ name, unitCode, scopes });
  return key;
}
