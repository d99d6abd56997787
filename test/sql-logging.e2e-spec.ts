import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig } from '@zs/config';
import { JsonLogger } from '@zs/common';
import { dataSourceOptions } from '@zs/database';
import { createTestDatabase, type TestDatabase } from '@zs/testing';

/** Issue 7, defect 12: SQL lines are the platform's JSON and never carry query parameters. */
describe('SQL logging', () => {
  let db: TestDatabase;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    Logger.overrideLogger(new JsonLogger('debug', 'test', (line) => lines.push(line)));
  });
  afterAll(async () => {
    Logger.overrideLogger(['error']);
    await db?.drop();
  });

  it.each([['info'], ['debug']])('LOG_LEVEL=%s: failed and logged queries are JSON lines without parameters', async (level) => {
    lines.length = 0;
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: level, DATABASE_URL: db.url });
    const ds = new DataSource(dataSourceOptions(config));
    await ds.initialize();
    const secret = '$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0LXNhbHQ$SECRET-HASH-VALUE';
    try {
      await expect(ds.query(`SELECT $1::int AS n`, [secret])).rejects.toThrow();
      await ds.query(`SELECT length($1::text) AS n`, [secret]);
    } finally {
      await ds.destroy();
    }
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry.context).toBe('TypeORM');
      expect(line).not.toContain('SECRET-HASH-VALUE');
    }
    const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.msg === 'query failed');
    expect(failed).toMatchObject({ level: 'error', pgCode: '22P02', sql: 'SELECT $1::int AS n' });
    const queries = lines.filter((l) => l.includes('"msg":"query"'));
    expect(queries.length > 0).toBe(level === 'debug');
  });
});

describe('errors logged by the platform', () => {
  it('a PostgreSQL error is logged by SQLSTATE, never with its message (which may quote a value)', async () => {
    const db = await createTestDatabase();
    const out: string[] = [];
    const ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    try {
      const err = await ds.query(`SELECT $1::int`, ['SECRET-VALUE']).catch((e: unknown) => e as Error);
      new JsonLogger('info', 'test', (l) => out.push(l)).error(err, 'GraphQL');
    } finally {
      await ds.destroy();
      await db.drop();
    }
    expect(out).toHaveLength(1);
    expect(out[0]).not.toContain('SECRET-VALUE');
    expect(JSON.parse(out[0])).toMatchObject({ level: 'error', context: 'GraphQL', msg: 'PostgreSQL error 22P02', pgCode: '22P02' });
  });
});
