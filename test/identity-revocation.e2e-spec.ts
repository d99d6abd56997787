import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { LoginThrottle, UserService } from '@zs/identity';
import { apiKey, cli, seedXian, startTestApp, testRedisUrl, TEST_PASSWORD, type GqlResponse, type TestApp } from './support/harness';

const ME = `{ me { __typename ... on User { username } ... on ApiClient { name } } }`;
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`;
const LOGOUT = `mutation { logout }`;
const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('identity: revocable tokens and reusable API key names', () => {
  let t: TestApp;
  let redis: Redis;
  const failures = (u: string) => redis.get(t.app.get(LoginThrottle).userKey(u));

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
    for (const u of ['leaver', 'changer', 'operator-reset', 'legacy', 'deactivated']) {
      await t.app.get(UserService).create({ username: u, password: TEST_PASSWORD, unitCode: '610113', role: 'OFFICER' });
    }
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  async function login(u: string, p = TEST_PASSWORD): Promise<string> {
    const res = await t.gql<{ login: { accessToken: string } }>(LOGIN, { u, p });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.login.accessToken;
  }

  const works = async (token: string, username: string) => {
    const me = await t.gql(ME, {}, { token });
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data!.me).toEqual({ __typename: 'User', username });
  };

  const dead = async (token: string) => {
    const me = await t.gql(ME, {}, { token });
    expect(me.body.data).toBeNull();
    expect(me.body.errors).toHaveLength(1);
    expect(me.body.errors![0]).toMatchObject({ message: 'Invalid or expired token', extensions: { code: 'UNAUTHENTICATED' } });
  };

  const errorOf = (res: GqlResponse) => {
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    return res.body.errors![0];
  };

  const tokenVersion = async (u: string): Promise<number> => {
    const [row] = await t.app.get(DataSource).query(`SELECT token_version FROM app_user WHERE username = $1`, [u]);
    return row.token_version as number;
  };

  describe('logout', () => {
    it('revokes the token it is sent with and every other token of the user; a fresh login works', async () => {
      const laptop = await login('leaver');
      const phone = await login('leaver');
      const other = await login('changer');
      await works(laptop, 'leaver');
      await works(phone, 'leaver');

      const res = await t.gql(LOGOUT, {}, { token: laptop });
      expect(res.body).toEqual({ data: { logout: true } });
      await dead(laptop);
      await dead(phone);
      expect(errorOf(await t.gql(LOGOUT, {}, { token: laptop })).extensions).toEqual({ code: 'UNAUTHENTICATED' });
      await works(other, 'changer'); // another user's tokens are untouched

      const fresh = await login('leaver');
      await works(fresh, 'leaver');
    });

    it('is FORBIDDEN for an API client and UNAUTHENTICATED without credentials', async () => {
      const key = await apiKey(t, 'logout-partner', '610113');
      expect(errorOf(await t.gql(LOGOUT, {}, { apiKey: key })).extensions).toEqual({ code: 'FORBIDDEN' });
      expect((await t.gql(ME, {}, { apiKey: key })).body.errors).toBeUndefined();
      expect(errorOf(await t.gql(LOGOUT)).extensions).toEqual({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('changePassword', () => {
    const NEW_PASSWORD = 'a-brand-new-password';

    it('validates the new password like users:create (BAD_USER_INPUT on newPassword), changing nothing', async () => {
      const token = await login('changer');
      const err = errorOf(await t.gql(CHANGE, { c: TEST_PASSWORD, n: 'short' }, { token }));
      expect(err.extensions).toEqual({ code: 'BAD_USER_INPUT', fields: [{ path: 'newPassword', message: 'must be 10 to 200 characters' }] });
      const long = errorOf(await t.gql(CHANGE, { c: TEST_PASSWORD, n: 'x'.repeat(201) }, { token }));
      expect(long.extensions!.fields).toEqual([{ path: 'newPassword', message: 'must be 10 to 200 characters' }]);
      await works(token, 'changer');
      await login('changer');
    });

    it('a wrong current password is UNAUTHENTICATED and counts as a failed login', async () => {
      const token = await login('changer');
      expect(await failures('changer')).toBeNull();
      const err = errorOf(await t.gql(CHANGE, { c: 'not-the-password', n: NEW_PASSWORD }, { token }));
      expect(err).toMatchObject({ message: 'Invalid current password', extensions: { code: 'UNAUTHENTICATED' } });
      expect(await failures('changer')).toBe('1');
      // Nothing changed: the token and the old password still work (and the success clears the count).
      await works(token, 'changer');
      await login('changer');
      expect(await failures('changer')).toBeNull();
    });

    it('changes the password: the old one stops working, every old token dies, the new one logs in', async () => {
      const token = await login('changer');
      const second = await login('changer');
      const before = await tokenVersion('changer');
      const res = await t.gql(CHANGE, { c: TEST_PASSWORD, n: NEW_PASSWORD }, { token });
      expect(res.body).toEqual({ data: { changePassword: true } });
      expect(await tokenVersion('changer')).toBe(before + 1);
      await dead(token);
      await dead(second);
      const old = errorOf(await t.gql(LOGIN, { u: 'changer', p: TEST_PASSWORD }));
      expect(old).toMatchObject({ message: 'Invalid username or password', extensions: { code: 'UNAUTHENTICATED' } });
      await works(await login('changer', NEW_PASSWORD), 'changer');
    });

    it('locks like login after LOGIN_MAX_FAILURES wrong current passwords', async () => {
      const token = await login('changer', NEW_PASSWORD);
      await redis.set(t.app.get(LoginThrottle).userKey('changer'), String(t.config.login.maxFailures), 'EX', 60);
      const locked = errorOf(await t.gql(CHANGE, { c: NEW_PASSWORD, n: 'yet-another-password' }, { token }));
      expect(locked.extensions!.code).toBe('RATE_LIMITED');
      await redis.del(t.app.get(LoginThrottle).userKey('changer'));
      await works(token, 'changer');
    });

    it('is FORBIDDEN for an API client', async () => {
      const key = await apiKey(t, 'password-partner', '610113');
      expect(errorOf(await t.gql(CHANGE, { c: TEST_PASSWORD, n: NEW_PASSWORD }, { apiKey: key })).extensions).toEqual({ code: 'FORBIDDEN' });
    });
  });

  describe('operator commands', () => {
    it('users:set-password sets the password and revokes every token', async () => {
      const token = await login('operator-reset');
      const res = await cli(t, 'users:set-password', '--username', 'Operator-Reset', '--password', 'set-by-operator-1');
      expect(res).toEqual({ code: 0, out: 'Set the password of user operator-reset; their tokens no longer work', err: '' });
      await dead(token);
      expect(errorOf(await t.gql(LOGIN, { u: 'operator-reset', p: TEST_PASSWORD })).extensions).toEqual({ code: 'UNAUTHENTICATED' });
      await works(await login('operator-reset', 'set-by-operator-1'), 'operator-reset');
    });

    it('users:set-password validates the password and reports an unknown user', async () => {
      const short = await cli(t, 'users:set-password', '--username', 'operator-reset', '--password', 'short');
      expect(short).toEqual({ code: 1, out: '', err: 'BAD_USER_INPUT: invalid input\n  --password: must be 10 to 200 characters' });
      await login('operator-reset', 'set-by-operator-1');
      const unknown = await cli(t, 'users:set-password', '--username', 'nobody-here', '--password', 'long-enough-password');
      expect(unknown).toEqual({ code: 1, out: '', err: 'NOT_FOUND: User not found' });
      const missing = await cli(t, 'users:set-password', '--username', 'operator-reset');
      expect(missing.code).toBe(2);
      expect(missing.err).toBe('--password is required\nUsage: npm run cli -- users:set-password --username U --password P');
    });

    it('users:deactivate bumps the token version, so tokens stay dead after reactivation', async () => {
      const token = await login('deactivated');
      const before = await tokenVersion('deactivated');
      expect((await cli(t, 'users:deactivate', '--username', 'deactivated')).code).toBe(0);
      expect(await tokenVersion('deactivated')).toBe(before + 1);
      await dead(token);
      await t.app.get(UserService).setActive('deactivated', true);
      await dead(token);
      await works(await login('deactivated'), 'deactivated');
    });
  });

  describe('tokens issued before token versions existed', () => {
    it('count as version 0: accepted while the user is at 0, refused once the version moves on', async () => {
      const [row] = await t.app.get(DataSource).query(`SELECT id FROM app_user WHERE username = 'legacy'`);
      const header = b64({ alg: 'HS256', typ: 'JWT' });
      const iat = Math.floor(Date.now() / 1000);
      const payload = b64({ sub: row.id, iat, exp: iat + 3600 });
      const sig = createHmac('sha256', t.config.jwtSecret).update(`${header}.${payload}`).digest('base64url');
      const legacy = `${header}.${payload}.${sig}`;
      expect(await tokenVersion('legacy')).toBe(0);
      await works(legacy, 'legacy');
      expect((await t.gql(LOGOUT, {}, { token: legacy })).body).toEqual({ data: { logout: true } });
      await dead(legacy);
    });

    it('a token claiming another version than the user is at is refused', async () => {
      const token = await login('legacy');
      const [h, p, s] = token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { ver: number };
      expect(claims.ver).toBe(1);
      const forged = b64({ ...claims, ver: 0 });
      const resigned = createHmac('sha256', t.config.jwtSecret).update(`${h}.${forged}`).digest('base64url');
      await dead(`${h}.${forged}.${resigned}`);
      await dead(`${h}.${forged}.${s}`);
      await works(token, 'legacy');
    });
  });

  describe('API key names', () => {
    const CREATE = (name: string) => ['api-keys:create', '--name', name, '--unit', '610113'];
    const keyOf = (out: string) => /Key \(shown once, store it now\): (zsk_\S+)$/.exec(out)![1];

    it('a revoked key name can be reused; the new key works and the old stays revoked', async () => {
      const first = await cli(t, ...CREATE('reused-partner'));
      expect(first.code).toBe(0);
      const oldKey = keyOf(first.out);
      expect((await cli(t, 'api-keys:revoke', '--name', 'reused-partner')).code).toBe(0);

      const second = await cli(t, ...CREATE('reused-partner'));
      expect(second.code).toBe(0);
      const newKey = keyOf(second.out);
      const me = await t.gql(ME, {}, { apiKey: newKey });
      expect(me.body).toEqual({ data: { me: { __typename: 'ApiClient', name: 'reused-partner' } } });
      const old = errorOf(await t.gql(ME, {}, { apiKey: oldKey }));
      expect(old).toMatchObject({ message: 'Invalid or revoked API key', extensions: { code: 'UNAUTHENTICATED' } });

      // Revoking by name now revokes the new key only; then the name is free once more.
      expect((await cli(t, 'api-keys:revoke', '--name', 'reused-partner')).code).toBe(0);
      expect(errorOf(await t.gql(ME, {}, { apiKey: newKey })).extensions).toEqual({ code: 'UNAUTHENTICATED' });
      const third = await cli(t, ...CREATE('reused-partner'));
      expect(third.code).toBe(0);
      expect((await t.gql(ME, {}, { apiKey: keyOf(third.out) })).body.errors).toBeUndefined();
      const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM api_client WHERE name = 'reused-partner'`);
      expect(n).toBe(3);
    });

    it('a second active key with the same name is a CONFLICT, also when created concurrently', async () => {
      expect((await cli(t, ...CREATE('single-partner'))).code).toBe(0);
      const dup = await cli(t, ...CREATE('single-partner'));
      expect(dup).toEqual({ code: 1, out: '', err: 'CONFLICT: An API client named single-partner already exists' });

      const race = await Promise.all([cli(t, ...CREATE('racing-partner')), cli(t, ...CREATE('racing-partner'))]);
      expect(race.map((r) => r.code).sort()).toEqual([0, 1]);
      const [{ n }] = await t.app.get(DataSource).query(
        `SELECT count(*)::int AS n FROM api_client WHERE name = 'racing-partner' AND revoked_at IS NULL`,
      );
      expect(n).toBe(1);
    });
  });
});
