import { createHash, createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiClientService, JwtService, LoginThrottle, UserService } from '@zs/identity';
import { cli, seedXian, startTestApp, testRedisUrl, userToken, TEST_PASSWORD, type TestApp } from './support/harness';

const ME = `{ me { __typename ... on User { username role unit { code } } ... on ApiClient { name scopes rateLimitPerMinute unit { code } } } }`;
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken expiresAt user { username role unit { code } } } }`;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('identity: users, tokens and API keys', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  const unauthenticated = (res: Awaited<ReturnType<TestApp['gql']>>, message?: string) => {
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    if (message) expect(res.body.errors![0].message).toBe(message);
  };

  describe('a user created with the CLI', () => {
    let token: string;

    it('is created by users:create, logs in, and `me` returns their unit', async () => {
      const made = await cli(t, 'users:create', '--username', 'yanta.officer', '--password', 'cli-password-123', '--unit', '610113-Z1', '--role', 'officer', '--display-name', '雁塔 officer');
      expect(made).toEqual({ code: 0, out: 'Created user yanta.officer (OFFICER)', err: '' });

      const started = Date.now();
      const res = await t.gql(LOGIN, { u: 'yanta.officer', p: 'cli-password-123' });
      expect(res.body.errors).toBeUndefined();
      const login = res.body.data!.login;
      expect(login.user).toEqual({ username: 'yanta.officer', role: 'OFFICER', unit: { code: '610113-Z1' } });
      const expiresAt = new Date(login.expiresAt).getTime();
      expect(expiresAt).toBeGreaterThan(started + 8 * 3600 * 1000 - 5000);
      expect(expiresAt).toBeLessThan(Date.now() + 8 * 3600 * 1000 + 5000);
      token = login.accessToken;

      const me = await t.gql(ME, {}, { token });
      expect(me.body.errors).toBeUndefined();
      expect(me.body.data!.me).toEqual({ __typename: 'User', username: 'yanta.officer', role: 'OFFICER', unit: { code: '610113-Z1' } });
    });

    it('stores only an argon2id hash of the password', async () => {
      const [row] = await t.app.get(DataSource).query(`SELECT password_hash FROM app_user WHERE username = 'yanta.officer'`);
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$/);
      expect(row.password_hash.split('$')[3].split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
      expect(row.password_hash).not.toContain('cli-password-123');
    });

    it('logs in case-insensitively by username', async () => {
      const res = await t.gql(LOGIN, { u: 'Yanta.Officer', p: 'cli-password-123' });
      expect(res.body.data!.login.user.username).toBe('yanta.officer');
    });

    it('stops working once the user is deactivated (users:deactivate)', async () => {
      const off = await cli(t, 'users:deactivate', '--username', 'yanta.officer');
      expect(off).toEqual({ code: 0, out: 'Deactivated user yanta.officer; their tokens no longer work', err: '' });
      unauthenticated(await t.gql(ME, {}, { token }), 'Invalid or expired token');
      const again = await t.gql(LOGIN, { u: 'yanta.officer', p: 'cli-password-123' });
      unauthenticated(again, 'Invalid username or password');
      const unknown = await cli(t, 'users:deactivate', '--username', 'nobody-here');
      expect(unknown.code).toBe(1);
      expect(unknown.err).toBe('NOT_FOUND: User not found');
    });
  });

  describe('API keys', () => {
    let key: string;

    it('api-keys:create prints the key once and stores only its SHA-256', async () => {
      const made = await cli(t, 'api-keys:create', '--name', 'partner-one', '--unit', '610100-GX', '--scopes', 'leads:read,leads:write');
      expect(made.code).toBe(0);
      const lines = made.out.split('\n');
      expect(lines[0]).toBe('Created API client partner-one with scopes leads:read, leads:write.');
      const m = /^Key \(shown once, store it now\): (zsk_[A-Za-z0-9_-]{43})$/.exec(lines[1]);
      expect(m).not.toBeNull();
      key = m![1];
      const [row] = await t.app.get(DataSource).query(`SELECT * FROM api_client WHERE name = 'partner-one'`);
      expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(row.key_prefix).toBe(key.slice(0, 12));
      expect(JSON.stringify(row)).not.toContain(key);
    });

    it('authenticates with X-Api-Key, and `me` returns the client with its scopes and unit', async () => {
      const me = await t.gql(ME, {}, { apiKey: key });
      expect(me.body.errors).toBeUndefined();
      expect(me.body.data!.me).toEqual({
        __typename: 'ApiClient',
        name: 'partner-one',
        scopes: ['leads:read', 'leads:write'],
        rateLimitPerMinute: 600,
        unit: { code: '610100-GX' },
      });
    });

    it('refuses an unknown key, and a revoked one', async () => {
      unauthenticated(await t.gql(ME, {}, { apiKey: 'zsk_' + 'A'.repeat(43) }), 'Invalid or revoked API key');
      const revoked = await cli(t, 'api-keys:revoke', '--name', 'partner-one');
      expect(revoked).toEqual({ code: 0, out: 'Revoked API client partner-one', err: '' });
      unauthenticated(await t.gql(ME, {}, { apiKey: key }), 'Invalid or revoked API key');
    });

    it('api-keys:revoke of an unknown or already revoked name fails', async () => {
      for (const name of ['no-such-partner', 'partner-one']) {
        const res = await cli(t, 'api-keys:revoke', '--name', name);
        expect(res).toEqual({ code: 1, out: '', err: 'NOT_FOUND: Active API client not found' });
      }
    });

    it('enforces the per-key rate limit: HTTP 429, Retry-After, RATE_LIMITED with retryAfterSeconds', async () => {
      const { client, key: limited } = await t.app.get(ApiClientService).create({
        name: 'tiny-partner',
        unitCode: '610113',
        rateLimitPerMinute: 3,
      });
      // Stay inside one fixed one-minute window.
      if (Date.now() % 60000 > 55000) await new Promise((r) => setTimeout(r, 60000 - (Date.now() % 60000) + 100));
      for (let i = 0; i < 3; i++) {
        const ok = await t.gql(ME, {}, { apiKey: limited });
        expect(ok.body.errors).toBeUndefined();
      }
      const over = await t.gql(ME, {}, { apiKey: limited });
      // The whole request is refused: HTTP 429 with Retry-After, no data at all.
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBe(over.body.errors![0].extensions!.retryAfterSeconds);
      expect(over.body.data).toBeUndefined();
      expect(over.body.errors![0].message).toBe('API key rate limit exceeded');
      const ext = over.body.errors![0].extensions!;
      expect(ext.code).toBe('RATE_LIMITED');
      expect(ext.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(ext.retryAfterSeconds).toBeLessThanOrEqual(60);
      // The counter lives under REDIS_PREFIX.
      const minute = Math.floor(Date.now() / 60000);
      const keys = await redis.keys(`${t.config.redisPrefix}:api-rate:${client.id}:*`);
      expect(keys.length).toBeGreaterThanOrEqual(1);
      expect(keys.some((k) => k.endsWith(`:${minute}`) || k.endsWith(`:${minute - 1}`))).toBe(true);
      // Another key is not affected.
      const { key: other } = await t.app.get(ApiClientService).create({ name: 'other-partner', unitCode: '610113' });
      expect((await t.gql(ME, {}, { apiKey: other })).body.errors).toBeUndefined();
    });

    it('validates api-keys:create input, reporting every problem', async () => {
      const res = await cli(t, 'api-keys:create', '--name', 'x', '--unit', 'NOPE', '--scopes', 'leads:read,leads:delete', '--rate-limit', 'lots');
      expect(res.code).toBe(1);
      expect(res.err.split('\n').slice(1)).toEqual([
        '  --name: must be 2 to 100 characters',
        '  --scopes: unknown scope leads:delete; known: leads:read, leads:write',
        '  --rate-limit: must be 1 to 100000 per minute',
        '  --unit: no unit with code NOPE',
      ]);
      const dup = await cli(t, 'api-keys:create', '--name', 'tiny-partner', '--unit', '610113');
      expect(dup).toEqual({ code: 1, out: '', err: 'CONFLICT: An API client named tiny-partner already exists' });
    });
  });

  describe('tokens', () => {
    let userId: string;
    let token: string;
    const secret = () => t.config.jwtSecret;

    beforeAll(async () => {
      token = await userToken(t, 'token-user', '610102', 'VIEWER');
      const [row] = await t.app.get(DataSource).query(`SELECT id FROM app_user WHERE username = 'token-user'`);
      userId = row.id;
    });

    it('accepts the real token', async () => {
      const me = await t.gql(ME, {}, { token });
      expect(me.body.data!.me.username).toBe('token-user');
    });

    it('refuses an expired token', async () => {
      const jwt = t.app.get(JwtService);
      const { token: old } = jwt.sign(userId, Date.now() - 9 * 3600 * 1000);
      unauthenticated(await t.gql(ME, {}, { token: old }), 'Invalid or expired token');
    });

    it('refuses a token with a bad signature, signed with another secret, or alg none', async () => {
      const [h, p, s] = token.split('.');
      const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
      unauthenticated(await t.gql(ME, {}, { token: `${h}.${p}.${flipped}` }), 'Invalid or expired token');

      const otherSecret = createHmac('sha256', 'another-secret-another-secret-another').update(`${h}.${p}`).digest('base64url');
      unauthenticated(await t.gql(ME, {}, { token: `${h}.${p}.${otherSecret}` }));

      const none = b64({ alg: 'none', typ: 'JWT' });
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const payload = b64({ sub: userId, iat: exp - 3600, exp });
      unauthenticated(await t.gql(ME, {}, { token: `${none}.${payload}.` }));
      unauthenticated(await t.gql(ME, {}, { token: `${none}.${payload}` }));
      // HS256 header spelled differently but signed correctly with the real secret: still refused
      // (only the exact header the server issues is accepted).
      const odd = b64({ typ: 'JWT', alg: 'HS256' });
      const oddSig = createHmac('sha256', secret()).update(`${odd}.${payload}`).digest('base64url');
      unauthenticated(await t.gql(ME, {}, { token: `${odd}.${payload}.${oddSig}` }));
    });

    it('refuses a tampered payload (another user, a later expiry)', async () => {
      const [h, p, s] = token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { sub: string; iat: number; exp: number };
      const [admin] = await t.app.get(DataSource).query(`SELECT id FROM app_user WHERE username <> 'token-user' LIMIT 1`);
      unauthenticated(await t.gql(ME, {}, { token: `${h}.${b64({ ...claims, sub: admin?.id ?? claims.sub })}.${s}` }));
      unauthenticated(await t.gql(ME, {}, { token: `${h}.${b64({ ...claims, exp: claims.exp + 86400 })}.${s}` }));
    });

    it('refuses garbage and malformed Authorization headers instead of treating them as anonymous', async () => {
      unauthenticated(await t.gql(ME, {}, { token: 'garbage' }), 'Invalid or expired token');
      unauthenticated(await t.gql(ME, {}, { headers: { authorization: `Basic ${token}` } }), 'Malformed Authorization header');
      unauthenticated(await t.gql(ME, {}, { headers: { authorization: `Bearer ${token} extra` } }), 'Malformed Authorization header');
    });

    it('a bad token on a public operation (login) does not block the login', async () => {
      const res = await t.gql(LOGIN, { u: 'token-user', p: TEST_PASSWORD }, { token: 'garbage' });
      expect(res.body.data!.login.user.username).toBe('token-user');
    });
  });

  describe('wrong password vs unknown user', () => {
    beforeAll(async () => {
      await t.app.get(UserService).create({ username: 'known-user', password: 'known-password-1', unitCode: '610104', role: 'OFFICER' });
      await t.app.get(UserService).create({ username: 'retired-user', password: 'known-password-1', unitCode: '610104', role: 'OFFICER' });
      await t.app.get(UserService).setActive('retired-user', false);
    });

    it('answer with exactly the same error', async () => {
      const wrong = await t.gql(LOGIN, { u: 'known-user', p: 'not-the-password' });
      const unknown = await t.gql(LOGIN, { u: 'unknown-user', p: 'not-the-password' });
      const retired = await t.gql(LOGIN, { u: 'retired-user', p: 'known-password-1' });
      expect(wrong.body).toEqual({
        data: null,
        errors: [
          { message: 'Invalid username or password', locations: [{ line: 1, column: 38 }], path: ['login'], extensions: { code: 'UNAUTHENTICATED' } },
        ],
      });
      expect(unknown.body).toEqual(wrong.body);
      expect(retired.body).toEqual(wrong.body);
      expect(unknown.status).toBe(wrong.status);
    });

    it('take about as long (both run one argon2id verification)', async () => {
      const time = async (u: string) => {
        const started = process.hrtime.bigint();
        await t.gql(LOGIN, { u, p: 'not-the-password' });
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      // Distinct usernames, so the throttle never slows these attempts.
      const wrong: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 3; i++) {
        await t.app.get(UserService).create({ username: `timing-${i}`, password: 'known-password-1', unitCode: '610104', role: 'VIEWER' });
      }
      for (let i = 0; i < 3; i++) {
        wrong.push(await time(`timing-${i}`));
        unknown.push(await time(`no-such-timing-${i}`));
      }
      const ratio = median(unknown) / median(wrong);
      expect(median(wrong)).toBeGreaterThan(5); // a real argon2id check, not a shortcut
      expect(ratio).toBeGreaterThan(0.4);
      expect(ratio).toBeLessThan(2.5);
    });
  });
});

describe('login throttling and token lifetime', () => {
  let t: TestApp;
  let redis: Redis;
  const key = (u: string) => t.app.get(LoginThrottle).userKey(u);

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_SLOW_AFTER: '2', LOGIN_MAX_FAILURES: '4', JWT_TTL: '1' });
    await seedXian(t.app);
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
    for (const u of ['throttled', 'resetter', 'burst', 'short-lived']) {
      await t.app.get(UserService).create({ username: u, password: TEST_PASSWORD, unitCode: '610111', role: 'OFFICER' });
    }
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  async function attempt(u: string, p = 'wrong-password!') {
    const started = Date.now();
    const res = await t.gql(LOGIN, { u, p });
    return { res, ms: Date.now() - started };
  }

  it('slows repeated failures, then refuses with RATE_LIMITED, even the right password', async () => {
    const first = await attempt('throttled');
    const second = await attempt('THROTTLED'); // same username, other case
    expect(first.res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(second.res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(await redis.get(key('throttled'))).toBe('2');

    const third = await attempt('throttled'); // 2 failures on record: slowed by 250 ms
    expect(third.res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(third.ms).toBeGreaterThanOrEqual(250);
    const fourth = await attempt('throttled'); // 3 on record: 500 ms
    expect(fourth.res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(fourth.ms).toBeGreaterThanOrEqual(500);

    const locked = await attempt('throttled');
    expect(locked.res.body.data).toBeNull();
    expect(locked.res.body.errors![0].message).toBe('Too many failed logins; try again later');
    const ext = locked.res.body.errors![0].extensions!;
    expect(ext.code).toBe('RATE_LIMITED');
    expect(ext.retryAfterSeconds).toBeGreaterThan(890);
    expect(ext.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(Object.keys(ext).sort()).toEqual(['code', 'retryAfterSeconds']);

    const rightPassword = await attempt('throttled', TEST_PASSWORD);
    expect(rightPassword.res.body.errors![0].extensions!.code).toBe('RATE_LIMITED');
    expect(await redis.ttl(key('throttled'))).toBeGreaterThan(0);
  });

  it('a successful login resets the counter', async () => {
    for (let i = 0; i < 3; i++) await attempt('resetter');
    expect(await redis.get(key('resetter'))).toBe('3');
    const ok = await attempt('resetter', TEST_PASSWORD);
    expect(ok.res.body.errors).toBeUndefined();
    expect(await redis.exists(key('resetter'))).toBe(0);
    // Counting starts over: two more failures are neither slowed nor refused.
    const again = await attempt('resetter');
    expect(again.res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(again.ms).toBeLessThan(250 + 200);
    expect(await redis.get(key('resetter'))).toBe('1');
  });

  it('a parallel burst of guesses cannot get more than LOGIN_MAX_FAILURES past the lock', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => attempt('burst')));
    const codes = results.map((r) => r.res.body.errors![0].extensions!.code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(4);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(6);
  });

  it('a token stops working when JWT_TTL has passed', async () => {
    const ok = await attempt('short-lived', TEST_PASSWORD);
    const token = ok.res.body.data!.login.accessToken as string;
    expect(new Date(ok.res.body.data!.login.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    await new Promise((r) => setTimeout(r, 1100));
    const me = await t.gql(ME, {}, { token });
    expect(me.body.errors![0]).toMatchObject({ message: 'Invalid or expired token', extensions: { code: 'UNAUTHENTICATED' } });
  });
});
