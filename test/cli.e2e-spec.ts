import { Client } from 'pg';
import { loadConfig, type AppConfig } from '@zs/config';
import {
  adminDatabaseUrl,
  createTestDatabase,
  databaseUrl,
  randomSuffix,
  testRedisPrefix,
  testRedisUrl,
  testRunId,
  type TestDatabase,
} from '@zs/testing';
import { cli } from './support/cli';
import { parseOptions } from '../apps/cli/src/run';

const configFor = (url: string): AppConfig =>
  loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: url,
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: testRedisPrefix(),
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
  });

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: adminDatabaseUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('CLI (apps/cli) against a real database', () => {
  let db: TestDatabase;
  let config: AppConfig;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = configFor(db.url);
  });
  afterAll(() => db?.drop());

  it('migrate on an empty database applies every migration, and again is a no-op', async () => {
    // Named like the run's databases, so the global teardown drops it even if this test crashes.
    const name = `zs_test_${testRunId()}_${randomSuffix()}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    try {
      const fresh = configFor(databaseUrl(name));
      const first = await cli(fresh, 'migrate');
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/^Applied \d+ migration\(s\): Initial1764300000000, CodeTables1764300001000/);
      const again = await cli(fresh, 'migrate');
      expect(again).toEqual({ code: 0, out: 'Database is up to date', err: '' });
      const seeded = await cli(fresh, 'seed:xian');
      expect(seeded).toEqual({ code: 0, out: 'Seeded 33 unit(s) of 西安市', err: '' });
    } finally {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });

  it('migrate on the already-migrated test database says so and changes nothing', async () => {
    const res = await cli(config, 'migrate');
    expect(res).toEqual({ code: 0, out: 'Database is up to date', err: '' });
  });

  it('seed:xian seeds once, then reports that nothing changed', async () => {
    expect(await cli(config, 'seed:xian')).toEqual({ code: 0, out: 'Seeded 33 unit(s) of 西安市', err: '' });
    expect(await cli(config, 'seed:xian')).toEqual({ code: 0, out: '西安市 is already seeded; nothing changed', err: '' });
  });

  it('users:create with bad input prints every problem and exits non-zero, creating nothing', async () => {
    const res = await cli(config, 'users:create', '--username', 'a b', '--password', 'short', '--unit', 'NOPE', '--role', 'chief');
    expect(res.code).toBe(1);
    expect(res.out).toBe('');
    expect(res.err.split('\n')).toEqual([
      'BAD_USER_INPUT: invalid input',
      '  --username: must be 3-64 letters, digits, . _ or -, starting with a letter or digit',
      '  --password: must be 10 to 200 characters',
      '  --role: must be one of ADMIN, MANAGER, OFFICER, VIEWER',
      '  --unit: no unit with code NOPE',
    ]);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      expect((await c.query(`SELECT count(*)::int AS n FROM app_user`)).rows).toEqual([{ n: 0 }]);
    } finally {
      await c.end();
    }
  });

  it('users:create with missing options lists all of them with the usage (exit 2)', async () => {
    const res = await cli(config, 'users:create', '--username', 'someone');
    expect(res.code).toBe(2);
    expect(res.err).toBe(
      '--password, --unit, --role are required\nUsage: npm run cli -- users:create --username U --password P --unit CODE --role ADMIN|MANAGER|OFFICER|VIEWER [--display-name N]',
    );
  });

  it('users:create succeeds once, and a second time is a CONFLICT (case-insensitive)', async () => {
    const ok = await cli(config, 'users:create', '--username', 'zhou', '--password', 'zhou-password-1', '--unit', '610124', '--role', 'MANAGER');
    expect(ok).toEqual({ code: 0, out: 'Created user zhou (MANAGER)', err: '' });
    const dup = await cli(config, 'users:create', '--username', 'ZHOU', '--password', 'zhou-password-1', '--unit', '610124', '--role', 'VIEWER');
    expect(dup).toEqual({ code: 1, out: '', err: 'CONFLICT: Username ZHOU is taken' });
  });

  it('api-keys:create prints the key once; api-keys:revoke of an unknown name fails', async () => {
    const made = await cli(config, 'api-keys:create', '--name', 'cli-partner', '--unit', '610100');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^Created API client cli-partner with scopes leads:read\.\nKey \(shown once, store it now\): zsk_\S{43}$/);
    const key = made.out.split(': ')[1];
    expect(made.out.split(key)).toHaveLength(2); // printed exactly once
    expect(await cli(config, 'api-keys:revoke', '--name', 'cli-partner')).toEqual({ code: 0, out: 'Revoked API client cli-partner', err: '' });
    expect(await cli(config, 'api-keys:revoke', '--name', 'never-existed')).toEqual({
      code: 1,
      out: '',
      err: 'NOT_FOUND: Active API client not found',
    });
    const missing = await cli(config, 'api-keys:revoke');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^--name is required\n/);
  });

  it('org-units:create refuses an unknown parent or tier as a usage error', async () => {
    const parent = await cli(config, 'org-units:create', '--code', 'Z-X', '--name', 'x', '--tier', 'ZONE', '--parent', 'NOPE');
    expect(parent.code).toBe(2);
    expect(parent.err).toMatch(/^no unit with code NOPE\n/);
    const tier = await cli(config, 'org-units:create', '--code', 'Z-X', '--name', 'x', '--tier', 'PROVINCE');
    expect(tier.code).toBe(2);
    expect(tier.err).toMatch(/^--tier must be CITY, DISTRICT or ZONE\n/);
  });

  it('answers help, and an unknown command with exit 2', async () => {
    const help = await cli(config);
    expect(help.code).toBe(0);
    for (const c of ['migrate', 'seed:xian', 'org-units:create', 'users:create', 'users:deactivate', 'users:set-password', 'api-keys:create', 'api-keys:revoke']) {
      expect(help.out).toContain(`  ${c}`);
    }
    const unknown = await cli(config, 'drop-everything');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^Unknown command: drop-everything\n/);
    const proto = await cli(config, 'constructor');
    expect(proto.code).toBe(2);
  });

  it('reports an unreachable database as a failure instead of aborting the process', async () => {
    const dead = configFor('postgres://postgres@127.0.0.1:1/nothing');
    const started = Date.now();
    const res = await cli(dead, 'migrate');
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nothing: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(10000);
  });
});

describe('parseOptions', () => {
  it('reads --name value, --name=value and bare flags', () => {
    expect(parseOptions(['--a', 'x', '--b=y=z', '--c', '--d', 'w'])).toEqual({ a: 'x', b: 'y=z', c: true, d: 'w' });
  });
  it('refuses positional arguments', () => {
    expect(() => parseOptions(['stray'])).toThrow('Unexpected argument: stray');
    expect(() => parseOptions(['--'])).toThrow('Unexpected argument: --');
  });
});
