import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DataSource } from 'typeorm';
import { UserService } from '@zs/identity';
import { seedXian, startTestApp, userToken, TEST_PASSWORD, type TestApp } from './support/harness';

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`;
const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id username role unit { code } } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id role unit { code } displayName } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateUser(id: $id) { id active } }`;
const RESET = `mutation($id: ID!, $p: String!) { resetUserPassword(id: $id, newPassword: $p) { id } }`;
const USERS = `query($unitId: ID, $first: Int, $after: String) { users(unitId: $unitId, first: $first, after: $after) { totalCount edges { node { username } } pageInfo { hasNextPage endCursor } } }`;
const CREATE_KEY = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id name keyPrefix revokedAt unit { code } } } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const KEYS = `query($unitId: ID) { apiKeys(unitId: $unitId, includeRevoked: true) { totalCount edges { node { name } } } }`;
const ME = `{ me { __typename } }`;

const code = (res: Awaited<ReturnType<TestApp['gql']>>) => res.body.errors?.[0]?.extensions?.code;

describe('identity admin through GraphQL: role rules', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  const idOf = async (u: string) =>
    ((await t.app.get(DataSource).query(`SELECT id FROM app_user WHERE username = $1`, [u])) as { id: string }[])[0].id;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    tok.city = await userToken(t, 'city-admin', '610100', 'ADMIN');
    tok.yanta = await userToken(t, 'yanta-admin', '610113', 'ADMIN');
    tok.mgr = await userToken(t, 'yanta-mgr', '610113', 'MANAGER');
    tok.officer = await userToken(t, 'yanta-off', '610113', 'OFFICER');
    tok.viewer = await userToken(t, 'yanta-view', '610113', 'VIEWER');
    await t.app.get(UserService).create({ username: 'beilin-off', password: TEST_PASSWORD, unitCode: '610103', role: 'OFFICER' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ADMIN creates users in their subtree (by unitCode or unitId); outside it the unit looks missing', async () => {
    const ok = await t.gql(CREATE, { i: { username: 'New.Zone', password: TEST_PASSWORD, role: 'OFFICER', unitCode: '610113-Z1' } }, { token: tok.yanta });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data!.createUser).toMatchObject({ username: 'New.Zone', role: 'OFFICER', unit: { code: '610113-Z1' } });
    const outside = await t.gql(CREATE, { i: { username: 'nope1', password: TEST_PASSWORD, role: 'OFFICER', unitCode: '610103' } }, { token: tok.yanta });
    const missing = await t.gql(CREATE, { i: { username: 'nope1', password: TEST_PASSWORD, role: 'OFFICER', unitCode: 'NO-SUCH' } }, { token: tok.yanta });
    expect(code(outside)).toBe('BAD_USER_INPUT');
    expect(outside.body.errors![0].extensions!.fields).toEqual([{ path: 'input.unitCode', message: 'no unit with code 610103' }]);
    expect(missing.body.errors![0].extensions!.fields).toEqual([{ path: 'input.unitCode', message: 'no unit with code NO-SUCH' }]);
    const [beilin] = await t.app.get(DataSource).query(`SELECT id FROM org_unit WHERE code = '610103'`);
    const byId = await t.gql(CREATE, { i: { username: 'nope1', password: TEST_PASSWORD, role: 'OFFICER', unitId: beilin.id } }, { token: tok.city });
    expect(byId.body.errors).toBeUndefined();
  });

  it('the username policy and canonical uniqueness hold, with field paths', async () => {
    const bad = await t.gql(CREATE, { i: { username: 'adm\u0130n', password: 'short', role: 'VIEWER', unitCode: '610113' } }, { token: tok.yanta });
    expect(code(bad)).toBe('BAD_USER_INPUT');
    expect(bad.body.errors![0].extensions!.fields!.map((f: { path: string }) => f.path)).toEqual(['input.username', 'input.password']);
    const dup = await t.gql(CREATE, { i: { username: 'NEW.zone', password: TEST_PASSWORD, role: 'VIEWER', unitCode: '610113' } }, { token: tok.yanta });
    expect(code(dup)).toBe('CONFLICT');
    const full = await t.gql(CREATE, { i: { username: 'ｎｅｗ.ｚｏｎｅ', password: TEST_PASSWORD, role: 'VIEWER', unitCode: '610113' } }, { token: tok.yanta });
    expect(code(full)).toBe('CONFLICT');
  });

  it('MANAGER: own unit only, at most MANAGER, never ADMIN; OFFICER and VIEWER are refused', async () => {
    const ok = await t.gql(CREATE, { i: { username: 'mgr-made', password: TEST_PASSWORD, role: 'MANAGER', unitCode: '610113' } }, { token: tok.mgr });
    expect(ok.body.errors).toBeUndefined();
    const admin = await t.gql(CREATE, { i: { username: 'mgr-admin', password: TEST_PASSWORD, role: 'ADMIN', unitCode: '610113' } }, { token: tok.mgr });
    expect(code(admin)).toBe('FORBIDDEN');
    const zone = await t.gql(CREATE, { i: { username: 'mgr-zone', password: TEST_PASSWORD, role: 'VIEWER', unitCode: '610113-Z1' } }, { token: tok.mgr });
    expect(zone.body.errors![0].extensions!.fields).toEqual([{ path: 'input.unitCode', message: 'no unit with code 610113-Z1' }]);
    // A manager cannot touch the unit's ADMIN, nor a user of another unit (which looks missing).
    expect(code(await t.gql(RESET, { id: await idOf('yanta-admin'), p: 'taken-over-pw-1' }, { token: tok.mgr }))).toBe('FORBIDDEN');
    expect(code(await t.gql(DEACTIVATE, { id: await idOf('beilin-off') }, { token: tok.mgr }))).toBe('NOT_FOUND');
    expect(code(await t.gql(DEACTIVATE, { id: '00000000-0000-4000-8000-000000000000' }, { token: tok.mgr }))).toBe('NOT_FOUND');
    for (const who of ['officer', 'viewer']) {
      expect(code(await t.gql(CREATE, { i: { username: `x-${who}`, password: TEST_PASSWORD, role: 'VIEWER', unitCode: '610113' } }, { token: tok[who] }))).toBe('FORBIDDEN');
      expect(code(await t.gql(USERS, {}, { token: tok[who] }))).toBe('FORBIDDEN');
      expect(code(await t.gql(KEYS, {}, { token: tok[who] }))).toBe('FORBIDDEN');
    }
    expect(code(await t.gql(KEYS, {}, { token: tok.mgr }))).toBe('FORBIDDEN');
  });

  it('nobody escalates or moves themselves; display name is fine', async () => {
    const me = await idOf('yanta-mgr');
    expect(code(await t.gql(UPDATE, { id: me, i: { role: 'ADMIN' } }, { token: tok.mgr }))).toBe('FORBIDDEN');
    const admin = await idOf('yanta-admin');
    expect(code(await t.gql(UPDATE, { id: admin, i: { unitCode: '610100' } }, { token: tok.yanta }))).toBe('FORBIDDEN');
    expect(code(await t.gql(DEACTIVATE, { id: admin }, { token: tok.yanta }))).toBe('FORBIDDEN');
    const name = await t.gql(UPDATE, { id: me, i: { displayName: '雁塔 经理' } }, { token: tok.mgr });
    expect(name.body.data!.updateUser.displayName).toBe('雁塔 经理');
    const nul = await t.gql(UPDATE, { id: me, i: { displayName: 'a\u0000b' } }, { token: tok.mgr });
    // Refused at the GraphQL boundary, at the variable's path.
    expect(nul.body.errors![0].extensions!.fields![0].path).toBe('variables.i.displayName');
  });

  it('ADMIN changes role and unit; deactivation and reset revoke tokens', async () => {
    const target = await idOf('yanta-off');
    const moved = await t.gql(UPDATE, { id: target, i: { role: 'MANAGER', unitCode: '610113-Z1' } }, { token: tok.yanta });
    expect(moved.body.data!.updateUser).toMatchObject({ role: 'MANAGER', unit: { code: '610113-Z1' } });
    expect(code(await t.gql(RESET, { id: target, p: 'brand-new-password' }, { token: tok.yanta }))).toBeUndefined();
    expect(code(await t.gql(ME, {}, { token: tok.officer }))).toBe('UNAUTHENTICATED');
    const fresh = (await t.gql(LOGIN, { u: 'yanta-off', p: 'brand-new-password' })).body.data!.login.accessToken;
    expect((await t.gql(DEACTIVATE, { id: target }, { token: tok.yanta })).body.data!.deactivateUser.active).toBe(false);
    expect(code(await t.gql(ME, {}, { token: fresh }))).toBe('UNAUTHENTICATED');
  });

  it('users pages with cursors over the caller’s reach only', async () => {
    const all = await t.gql(USERS, { first: 100 }, { token: tok.yanta });
    const names = all.body.data!.users.edges.map((e: { node: { username: string } }) => e.node.username);
    expect(names).toContain('New.Zone');
    expect(names).not.toContain('beilin-off');
    expect(names).not.toContain('city-admin');
    const first = await t.gql(USERS, { first: 2 }, { token: tok.yanta });
    expect(first.body.data!.users.pageInfo.hasNextPage).toBe(true);
    const next = await t.gql(USERS, { first: 100, after: first.body.data!.users.pageInfo.endCursor }, { token: tok.yanta });
    expect(next.body.data!.users.edges.length).toBe(names.length - 2);
    expect(all.body.data!.users.totalCount).toBe(names.length);
    const mgr = await t.gql(USERS, { first: 100 }, { token: tok.mgr });
    expect(mgr.body.data!.users.edges.map((e: { node: { username: string } }) => e.node.username)).not.toContain('New.Zone');
    expect(code(await t.gql(USERS, { after: 'garbage' }, { token: tok.yanta }))).toBe('BAD_USER_INPUT');
  });

  it('API keys: created once-shown, listed, revoked at once; names without NUL; out of reach looks missing', async () => {
    const made = await t.gql(CREATE_KEY, { i: { name: 'yanta-partner', unitCode: '610113' } }, { token: tok.yanta });
    expect(made.body.errors).toBeUndefined();
    const { key, apiKey } = made.body.data!.createApiKey;
    expect(key.startsWith(apiKey.keyPrefix)).toBe(true);
    expect((await t.gql(ME, {}, { apiKey: key })).body.data!.me.__typename).toBe('ApiClient');
    expect(code(await t.gql(CREATE_KEY, { i: { name: 'bad\u0000name', unitCode: '610113' } }, { token: tok.yanta }))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(CREATE_KEY, { i: { name: 'x'.repeat(101), unitCode: '610113' } }, { token: tok.yanta }))).toBe('BAD_USER_INPUT');
    const other = await t.gql(CREATE_KEY, { i: { name: 'beilin-partner', unitCode: '610103' } }, { token: tok.city });
    expect(code(await t.gql(REVOKE_KEY, { id: other.body.data!.createApiKey.apiKey.id }, { token: tok.yanta }))).toBe('NOT_FOUND');
    const list = await t.gql(KEYS, {}, { token: tok.yanta });
    expect(list.body.data!.apiKeys.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['yanta-partner']);
    const revoked = await t.gql(REVOKE_KEY, { id: apiKey.id }, { token: tok.yanta });
    expect(revoked.body.data!.revokeApiKey.revokedAt).not.toBeNull();
    expect(code(await t.gql(ME, {}, { apiKey: key }))).toBe('UNAUTHENTICATED');
  });
});

describe('login abuse: canonical usernames and per-address limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_SLOW_AFTER: '100', LOGIN_MAX_FAILURES_PER_ADDRESS: '12' });
    await seedXian(t.app);
    await t.app.get(UserService).create({ username: 'admin', password: TEST_PASSWORD, unitCode: '610100', role: 'ADMIN' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('once locked, no other spelling of the username (İ, fullwidth, case) gets in or gets fresh guesses', async () => {
    for (let i = 0; i < 3; i++) expect(code(await t.gql(LOGIN, { u: 'admin', p: 'wrong-password-1' }))).toBe('UNAUTHENTICATED');
    // Dotless ı folds (via I) onto the same key, so it shares the lock too.
    for (const u of ['admin', 'ADMIN', ' Admin ', 'ａｄｍｉｎ', 'adm\u0131n']) {
      expect(code(await t.gql(LOGIN, { u, p: TEST_PASSWORD }))).toBe('RATE_LIMITED');
    }
    // Spellings PostgreSQL's lower() used to fold onto "admin" are no username at all now.
    for (const u of ['adm\u0130n', 'ADM\u0130N']) {
      const res = await t.gql(LOGIN, { u, p: TEST_PASSWORD });
      expect(res.body.data).toBeNull();
      expect(code(res)).toBe('UNAUTHENTICATED');
    }
  });

  it('an address spraying many usernames is refused; a 200 KB username stores nothing large', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push(code(await t.gql(LOGIN, { u: `spray-${i}`, p: 'wrong-password-1' }))!);
    codes.push(code(await t.gql(LOGIN, { u: 'x'.repeat(200_000), p: 'wrong-password-1' }))!);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(0);
    expect(codes.at(-1)).toBe('RATE_LIMITED');
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('while Redis is down', () => {
  let t: TestApp;
  let redis: ChildProcess;
  let token: string;
  let key: string;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    await seedXian(t.app);
    token = await userToken(t, 'jwt-user', '610113', 'ADMIN');
    key = (await t.gql(CREATE_KEY, { i: { name: 'down-partner', unitCode: '610113' } }, { token })).body.data!.createApiKey.key;
    expect(code(await t.gql(ME, {}, { apiKey: key }))).toBeUndefined();
    redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
  });
  afterAll(async () => {
    if (redis.exitCode === null) redis.kill('SIGKILL');
    await t?.close().catch(() => undefined);
  });

  it('login and API keys get SERVICE_UNAVAILABLE fast, never a 500; JWT requests keep working', async () => {
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      const login = await t.gql(LOGIN, { u: 'jwt-user', p: TEST_PASSWORD });
      expect(login.status).toBe(200);
      expect(code(login)).toBe('SERVICE_UNAVAILABLE');
      const api = await t.gql(ME, {}, { apiKey: key });
      expect(api.status).toBe(200);
      expect(code(api)).toBe('SERVICE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(2500);
    }
    const me = await t.gql(ME, {}, { token });
    expect(me.body.data!.me.__typename).toBe('User');
  });
});
