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
      ]),
    );
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });

  it('turns the IDE off in production unless asked', () => {
    const secret = 'x'.repeat(40);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).graphqlIde).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, GRAPHQL_IDE: 'true' }).graphqlIde).toBe(true);
  });

  it('reads the worker port and outbox relay settings', () => {
    const d = loadConfig({});
    expect(d.workerPort).toBe(3001);
    expect(d.outbox).toEqual({ sweepIntervalMs: 5000, batchSize: 100, retentionDays: 7 });
    const c = loadConfig({ WORKER_PORT: '4001', OUTBOX_SWEEP_INTERVAL: '2s', OUTBOX_BATCH_SIZE: '10', OUTBOX_RETENTION_DAYS: '30' });
    expect(c.workerPort).toBe(4001);
    expect(c.outbox).toEqual({ sweepIntervalMs: 2000, batchSize: 10, retentionDays: 30 });
    let err: unknown;
    try {
      loadConfig({ WORKER_PORT: '-1', OUTBOX_SWEEP_INTERVAL: '2h', OUTBOX_BATCH_SIZE: '0', OUTBOX_RETENTION_DAYS: 'x' });
    } catch (e) {
      err = e;
    }
    const names = (err as ConfigValidationError).problems.map((p) => p.split(' ')[0]).sort();
    expect(names).toEqual(['OUTBOX_BATCH_SIZE', 'OUTBOX_RETENTION_DAYS', 'OUTBOX_SWEEP_INTERVAL', 'WORKER_PORT']);
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
