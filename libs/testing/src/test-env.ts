import { randomBytes } from 'node:crypto';

/** Server the tests create their databases on; CI and dev machines run PostgreSQL locally. */
export function adminDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** Unique per `npm test` run: set by the global setup, inherited by the workers. */
export function testRunId(): string {
  const id = process.env.ZS_TEST_RUN_ID;
  if (!id) throw new Error('ZS_TEST_RUN_ID missing: tests must run through jest with the global setup');
  return id;
}

export function templateDatabaseName(runId = testRunId()): string {
  return `zs_test_${runId}_tpl`;
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

export function databaseUrl(name: string): string {
  const u = new URL(adminDatabaseUrl());
  u.pathname = `/${name}`;
  return u.toString();
}
