import { ConfigValidationError, loadConfig, parseDuration } from './config';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.redisPrefix).toBe('zs');
    expect(c.port).toBe(3000);
    expect(c.nodeEnv).toBe('development');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.graphqlIde).toBe(true);
    expect(c.jwtTtlSeconds).toBe(8 * 3600);
  });

  it('lists every bad variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({
        NODE_ENV: 'staging',
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'not a url',
        JWT_TTL: 'forever',
        LOG_LEVEL: 'loud',
        REDIS_PREFIX: 'has space',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigValidationError);
    const problems = (err as ConfigValidationError).problems;
    const names = problems.map((p) => p.split(' ')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['NODE_ENV', 'PORT', 'DATABASE_URL', 'REDIS_URL', 'JWT_TTL', 'LOG_LEVEL', 'REDIS_PREFIX']),
    );
    expect(problems).toHaveLength(7);
    expect((err as Error).message).toContain('PORT must be an integer');
  });

  it('requires secrets in production', () => {
    // Both problems in one error, whatever their order.
    let err: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', MEILI_URL: 'http://localhost:7700' });
    } catch (e) {
      err = e;
    }
    expect((err as ConfigValidationError).problems).toEqual(
      expect.arrayContaining([
        'JWT_SECRET is required in production',
        'MEILI_MASTER_KEY is required when MEILI_URL is set in production',
        'DATABASE_URL is required in production',
        'REDIS_URL is required in production',
      ]),
    );
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });

  it('turns the IDE off in production unless asked', () => {
    const secret = 'x'.repeat(40);
    const prod = { NODE_ENV: 'production', JWT_SECRET: secret, DATABASE_URL: 'postgres://db/zs', REDIS_URL: 'redis://cache' };
    expect(loadConfig(prod).graphqlIde).toBe(false);
    expect(loadConfig({ ...prod, GRAPHQL_IDE: 'true' }).graphqlIde).toBe(true);
  });

  it('reads the worker port and outbox relay settings', () => {
    const d = loadConfig({});
    expect(d.workerPort).toBe(3001);
    expect(d.outbox).toEqual({ sweepIntervalMs: 5000, batchSize: 100, retentionDays: 7, maxAttempts: 10 });
    const c = loadConfig({
      WORKER_PORT: '4001',
      OUTBOX_SWEEP_INTERVAL: '2s',
      OUTBOX_BATCH_SIZE: '10',
      OUTBOX_RETENTION_DAYS: '30',
      OUTBOX_MAX_ATTEMPTS: '3',
    });
    expect(c.workerPort).toBe(4001);
    expect(c.outbox).toEqual({ sweepIntervalMs: 2000, batchSize: 10, retentionDays: 30, maxAttempts: 3 });
    let err: unknown;
    try {
      loadConfig({
        WORKER_PORT: '-1',
        OUTBOX_SWEEP_INTERVAL: '2h',
        OUTBOX_BATCH_SIZE: '0',
        OUTBOX_RETENTION_DAYS: 'x',
        OUTBOX_MAX_ATTEMPTS: '0',
      });
    } catch (e) {
      err = e;
    }
    const names = (err as ConfigValidationError).problems.map((p) => p.split(' ')[0]).sort();
    expect(names).toEqual([
      'OUTBOX_BATCH_SIZE',
      'OUTBOX_MAX_ATTEMPTS',
      'OUTBOX_RETENTION_DAYS',
      'OUTBOX_SWEEP_INTERVAL',
      'WORKER_PORT',
    ]);
  });

  it('parses durations', () => {
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('8h')).toBe(28800);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('0')).toBeUndefined();
    expect(parseDuration('1w')).toBeUndefined();
  });
});

describe('loadConfig messages, variable by variable', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (e) {
      if (e instanceof ConfigValidationError) return e.problems;
      throw e;
    }
    return [];
  };

  it.each([
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be one of development, production, test (got "staging")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of debug, info, warn, error (got "loud")'],
    [{ PORT: 'eighty' }, 'PORT must be an integer between 0 and 65535 (got "eighty")'],
    [{ PORT: '0x50' }, 'PORT must be an integer between 0 and 65535 (got "0x50")'],
    [{ PORT: '80.0' }, 'PORT must be an integer between 0 and 65535 (got "80.0")'],
    [{ PORT: '70000' }, 'PORT must be an integer between 0 and 65535 (got "70000")'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must use postgres: or postgresql: (got "mysql:")'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL is not a valid URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL must use redis: or rediss: (got "http:")'],
    [{ REDIS_PREFIX: 'has space' }, 'REDIS_PREFIX must be 1-64 characters of letters, digits, _ - : { }'],
    [{ REDIS_PREFIX: 'x'.repeat(65) }, 'REDIS_PREFIX must be 1-64 characters of letters, digits, _ - : { }'],
    [{ REDIS_PREFIX: 'zs*' }, 'REDIS_PREFIX must be 1-64 characters of letters, digits, _ - : { }'],
    [{ MEILI_URL: 'ftp://search' }, 'MEILI_URL must use http: or https: (got "ftp:")'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters'],
    [{ JWT_TTL: 'forever' }, 'JWT_TTL must be a duration such as 3600, 30m, 8h or 1d, at most 30d (got "forever")'],
    [{ JWT_TTL: '31d' }, 'JWT_TTL must be a duration such as 3600, 30m, 8h or 1d, at most 30d (got "31d")'],
    [{ GRAPHQL_IDE: 'maybe' }, 'GRAPHQL_IDE must be true or false (got "maybe")'],
    [{ GRAPHQL_MAX_DEPTH: '1' }, 'GRAPHQL_MAX_DEPTH must be an integer between 2 and 50 (got "1")'],
    [{ GRAPHQL_MAX_ALIASES: '0' }, 'GRAPHQL_MAX_ALIASES must be an integer between 1 and 1000 (got "0")'],
    [{ GRAPHQL_MAX_TOKENS: '50' }, 'GRAPHQL_MAX_TOKENS must be an integer between 100 and 100000 (got "50")'],
    [{ GRAPHQL_MAX_COST: 'lots' }, 'GRAPHQL_MAX_COST must be an integer between 100 and 10000000 (got "lots")'],
    [{ GRAPHQL_MAX_BODY_BYTES: '1e6' }, 'GRAPHQL_MAX_BODY_BYTES must be an integer between 1024 and 10485760 (got "1e6")'],
    [{ LOGIN_SLOW_AFTER: '-1' }, 'LOGIN_SLOW_AFTER must be an integer between 1 and 100 (got "-1")'],
    [{ LOGIN_MAX_FAILURES: '0' }, 'LOGIN_MAX_FAILURES must be an integer between 1 and 1000 (got "0")'],
    [{ LOGIN_WINDOW: '2d' }, 'LOGIN_WINDOW must be a duration such as 900, 15m or 1h, at most 1d (got "2d")'],
    [{ LEAD_INVESTOR_PROBE_LIMIT: '0' }, 'LEAD_INVESTOR_PROBE_LIMIT must be an integer between 1 and 1000000 (got "0")'],
    [{ LEAD_INVESTOR_PROBE_WINDOW: 'soon' }, 'LEAD_INVESTOR_PROBE_WINDOW must be a duration such as 3600, 60m or 1h, at most 1d (got "soon")'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/zs', REDIS_URL: 'redis://cache' }, 'JWT_SECRET is required in production'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://cache' }, 'DATABASE_URL is required in production'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://db/zs' }, 'REDIS_URL is required in production'],
  ])('%j → %s', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it('accepts the full set of valid values and types them', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: ' 8080 ',
      LOG_LEVEL: 'warn',
      DATABASE_URL: 'postgresql://u:p@db:5432/zs',
      REDIS_URL: 'rediss://cache:6380/1',
      REDIS_PREFIX: '{zs}',
      MEILI_URL: 'https://search.example',
      MEILI_MASTER_KEY: 'master-key',
      JWT_SECRET: 's'.repeat(32),
      JWT_TTL: '30m',
      GRAPHQL_IDE: 'yes',
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_ALIASES: '10',
      GRAPHQL_MAX_TOKENS: '1000',
      GRAPHQL_MAX_COST: '5000',
      GRAPHQL_MAX_BODY_BYTES: '65536',
      LOGIN_SLOW_AFTER: '2',
      LOGIN_MAX_FAILURES: '5',
      LOGIN_WINDOW: '1h',
      LEAD_INVESTOR_PROBE_LIMIT: '50',
      LEAD_INVESTOR_PROBE_WINDOW: '30m',
      DATA_DIR: '/var/lib/zs',
    });
    expect(c.leads).toEqual({ investorProbeLimit: 50, investorProbeWindowSeconds: 1800 });
    // toMatchObject: other features add their own settings.
    expect(c).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      logLevel: 'warn',
      databaseUrl: 'postgresql://u:p@db:5432/zs',
      redisUrl: 'rediss://cache:6380/1',
      redisPrefix: '{zs}',
      meiliUrl: 'https://search.example',
      meiliMasterKey: 'master-key',
      jwtSecret: 's'.repeat(32),
      jwtTtlSeconds: 1800,
      graphqlIde: true,
      dataDir: '/var/lib/zs',
      limits: { maxDepth: 8, maxAliases: 10, maxTokens: 1000, maxCost: 5000, maxBodyBytes: 65536 },
      login: { slowAfter: 2, maxFailures: 5, windowSeconds: 3600 },
    });
  });

  it('treats blank variables as unset', () => {
    const c = loadConfig({ PORT: '  ', REDIS_PREFIX: '', JWT_TTL: ' ' });
    expect([c.port, c.redisPrefix, c.jwtTtlSeconds]).toEqual([3000, 'zs', 8 * 3600]);
  });

  it('starts the error message with a heading and lists one problem per line', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(
      'Invalid configuration:\n  - PORT must be an integer between 0 and 65535 (got "x")\n  - LOG_LEVEL must be one of debug, info, warn, error (got "y")',
    );
  });
});

describe('.env.example', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require('node:path') as typeof import('node:path');
  const root = path.resolve(__dirname, '../../..');
  const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
  const source = fs.readFileSync(path.join(__dirname, 'config.ts'), 'utf8');

  it('documents every variable loadConfig reads', () => {
    const read = [...source.matchAll(/\b(?:str|int|bool|url|oneOf(?:<\w+>)?)\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(20);
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('holds values that pass validation (with the commented ones switched on)', () => {
    const env: Record<string, string> = {};
    for (const m of example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=(.*)$/gm)) env[m[1]] = m[2];
    expect(() => loadConfig(env)).not.toThrow();
    expect(() => loadConfig({ ...env, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).not.toThrow();
  });
});
