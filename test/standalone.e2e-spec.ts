import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig } from '@zs/config';
import { OrgTier, OrgUnitService } from '@zs/org';
import { DomainEventType, OutboxService } from '@zs/outbox';
import { startTestApp, type TestApp } from './support/harness';
import { ensureFirstAdmin, runMigrations, seedIfEmpty } from '../apps/api/src/standalone/first-run';
import {
  NO_REDIS_MESSAGE,
  findRedisServer,
  startPrivateRedis,
} from '../apps/api/src/standalone/private-redis';
import { StartupError, startPlatform } from '../apps/api/src/standalone/platform';
import { waitFor } from './support/outbox-context';

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken user { username } } }`;

async function login(baseUrl: string, username: string, password: string): Promise<{ token?: string; code?: string }> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: LOGIN, variables: { u: username, p: password } }),
  });
  const body = (await res.json()) as any;
  return { token: body.data?.login?.accessToken, code: body.errors?.[0]?.extensions?.code };
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'zs-standalone-'));
}

const redisBinary = findRedisServer();

describe('zero-setup start: private redis-server', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds redis-server on PATH, and nothing on a PATH without it', () => {
    expect(redisBinary).toMatch(/redis-server$/);
    expect(findRedisServer({ PATH: path.join(dir, 'empty-bin') })).toBeNull();
  });

  it('runs on 127.0.0.1 with an append-only file in DATA_DIR that survives a restart', async () => {
    const first = await startPrivateRedis(redisBinary!, dir);
    expect(first.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const c1 = new Redis(first.url);
    await c1.set('zs:probe', 'kept');
    expect(await c1.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await c1.config('GET', 'save')).toEqual(['save', '']);
    expect(await c1.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    c1.disconnect();
    await first.stop();
    // Stopped for real: the port no longer answers.
    const gone = new Redis(first.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    await expect(gone.connect()).rejects.toThrow();
    gone.disconnect();

    const second = await startPrivateRedis(redisBinary!, dir);
    const c2 = new Redis(second.url);
    try {
      expect(await c2.get('zs:probe')).toBe('kept');
    } finally {
      c2.disconnect();
      await second.stop();
    }
  });

  it('stops a redis-server left behind by a starter that was killed', async () => {
    const orphan = await startPrivateRedis(redisBinary!, dir);
    // No stop(): as if the starter had died with SIGKILL. The next start owns the directory.
    const next = await startPrivateRedis(redisBinary!, dir);
    try {
      await waitFor('the orphan to exit', () => {
        try {
          process.kill(orphan.pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 10_000);
      const c = new Redis(next.url);
      expect(await c.ping()).toBe('PONG');
      c.disconnect();
    } finally {
      await next.stop();
      await orphan.stop();
    }
  });

  it('refuses to start without any Redis, saying exactly how to get one', async () => {
    const err = await startPlatform({ env: { PATH: path.join(dir, 'empty-bin'), DATA_DIR: dir, NODE_ENV: 'development' } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(NO_REDIS_MESSAGE);
    expect(NO_REDIS_MESSAGE).toContain('apt-get install redis-server');
    expect(NO_REDIS_MESSAGE).toContain('brew install redis');
    expect(NO_REDIS_MESSAGE).toContain('REDIS_URL=');
  });
});

describe('zero-setup start: first run against PostgreSQL', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t?.close());

  it('seeds 西安市 once and creates one first admin with a generated password', async () => {
    expect(await runMigrations(t.app)).toEqual([]); // the test template is migrated already
    const seeded = await seedIfEmpty(t.app);
    expect(seeded.seeded).toBe(true);
    expect(seeded.inserted).toBeGreaterThan(14);
    const districts = await t.app.get(OrgUnitService).list(OrgTier.DISTRICT);
    expect(districts).toHaveLength(13);

    const admin = await ensureFirstAdmin(t.app);
    if (!admin.created) throw new Error('expected an admin to be created');
    expect(admin).toMatchObject({ username: 'admin', unitCode: '610100', generated: true });
    expect(admin.password.length).toBeGreaterThanOrEqual(16);
    const first = await login(t.baseUrl, 'admin', admin.password);
    expect(first.token).toEqual(expect.any(String));

    // Second start: nothing changes.
    expect(await seedIfEmpty(t.app)).toEqual({ seeded: false, inserted: 0 });
    expect(await ensureFirstAdmin(t.app)).toEqual({ created: false });
    expect((await login(t.baseUrl, 'admin', admin.password)).token).toEqual(expect.any(String));
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM app_user`);
    expect(n).toBe(1);
  });

  it('uses ADMIN_PASSWORD when given, and leaves an organisation loaded by the operator alone', async () => {
    await t.app.get(OrgUnitService).create('system', { code: 'C1', name: '某市', tier: OrgTier.CITY, parentId: null });
    expect(await seedIfEmpty(t.app)).toEqual({ seeded: false, inserted: 0 });
    const admin = await ensureFirstAdmin(t.app, 'chosen-password-123');
    expect(admin).toMatchObject({ created: true, unitCode: 'C1', password: 'chosen-password-123', generated: false });
    expect((await login(t.baseUrl, 'admin', 'chosen-password-123')).token).toEqual(expect.any(String));
    expect((await login(t.baseUrl, 'admin', 'wrong-password-123')).code).toBe('UNAUTHENTICATED');
  });
});

describe('zero-setup start: embedded PostgreSQL (PGlite) and private Redis, api and worker in one process', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = () => ({
    PATH: process.env.PATH,
    DATA_DIR: dir,
    PORT: '0',
    NODE_ENV: 'development',
    LOG_LEVEL: 'error',
    OUTBOX_SWEEP_INTERVAL: '1s',
  });

  it('comes up from nothing, then comes back with the same data', async () => {
    const p1 = await startPlatform({ env: env(), host: '127.0.0.1' });
    let password: string;
    let firstToken = '';
    try {
      expect(p1.database).toContain('PGlite');
      expect(p1.redis).toContain('private redis-server');
      expect(p1.migrations.length).toBeGreaterThan(0);
      expect(p1.seeded.seeded).toBe(true);
      // Its own token secret, not the well-known development default, kept private in DATA_DIR.
      const secretFile = path.join(dir, 'jwt-secret');
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      expect(p1.config.jwtSecret).toBe(readFileSync(secretFile, 'utf8').trim());
      expect(p1.config.jwtSecret).not.toBe(loadConfig({}).jwtSecret);
      if (!p1.admin.created) throw new Error('expected a first admin');
      password = p1.admin.password;

      // Readiness checks have their own time-outs; on a loaded machine the first may still be under way.
      let ready = { status: 0, body: null as unknown };
      for (const until = Date.now() + 15_000; ready.status !== 200 && Date.now() < until; ) {
        const res = await fetch(`${p1.baseUrl}/ready`);
        ready = { status: res.status, body: await res.json() };
        if (ready.status !== 200) await new Promise((r) => setTimeout(r, 500));
      }
      expect(ready).toMatchObject({ status: 200 });
      const { token } = await login(p1.baseUrl, 'admin', password);
      expect(token).toEqual(expect.any(String));
      firstToken = token!;
      const res = await fetch(`${p1.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ orgUnits(tier: DISTRICT) { code } }' }),
      });
      expect(((await res.json()) as any).data.orgUnits).toHaveLength(13);

      // The worker runs in the same process: an event committed now is relayed by the sweep.
      const ds = p1.app.get(DataSource);
      await ds.transaction((tx) =>
        p1.app.get(OutboxService).record(tx, 'system', DomainEventType.LeadCreated, null, { probe: true }),
      );
      await waitFor('the in-process worker to relay the event', async () => {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`);
        return n === 0;
      });
    } finally {
      await p1.stop();
    }

    const p2 = await startPlatform({ env: env(), host: '127.0.0.1' });
    try {
      expect(p2.migrations).toEqual([]);
      expect(p2.seeded).toEqual({ seeded: false, inserted: 0 });
      expect(p2.admin).toEqual({ created: false });
      expect((await login(p2.baseUrl, 'admin', password!)).token).toEqual(expect.any(String));
      // A token from the first run is still valid: same persisted secret.
      const me = await fetch(`${p2.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${firstToken}` },
        body: JSON.stringify({ query: '{ me { __typename } }' }),
      });
      expect(((await me.json()) as any).data).toEqual({ me: { __typename: 'User' } });
      const [{ n }] = await p2.app.get(DataSource).query(`SELECT count(*)::int AS n FROM outbox_event`);
      expect(n).toBe(1);
    } finally {
      await p2.stop();
    }
  }, 180_000);
});

describe('zero-setup stop when its private redis-server has died', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stop() finishes in bounded time after redis-server was SIGKILLed', async () => {
    const p = await startPlatform({
      env: { PATH: process.env.PATH, DATA_DIR: dir, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'error' },
      host: '127.0.0.1',
    });
    const url = p.config.redisUrl!;
    const probe = new Redis(url, { maxRetriesPerRequest: 1 });
    const info = await probe.info('server');
    probe.disconnect();
    const pid = Number(/process_id:(\d+)/.exec(info)![1]);
    process.kill(pid, 'SIGKILL');
    const started = Date.now();
    await p.stop();
    // QueueFactory's grace period (10 s) plus closing by force: never the indefinite wait it was.
    expect(Date.now() - started).toBeLessThan(25_000);
  }, 120_000);
});
