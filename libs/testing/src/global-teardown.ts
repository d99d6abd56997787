import { Client } from 'pg';
import { Redis } from 'ioredis';
import { adminDatabaseUrl, testRedisUrl, testRunId } from './test-env';

/** Drops every database and Redis key this run created, including those of crashed test files. */
export default async function globalTeardown(): Promise<void> {
  if (process.env.ZS_TEST_RUN_ID_DONE) return;
  const runId = testRunId();
  // Several projects share one run: the first teardown cleans up for all of them.
  process.env.ZS_TEST_RUN_ID_DONE = runId;
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`zs_test_${runId}_%`],
    );
    // Clones first: the template cannot be dropped while it is being copied.
    for (const { datname } of rows.sort((a) => (a.datname.endsWith('_tpl') ? 1 : -1))) {
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
  try {
    await deleteKeys(redis, `zs-test-${runId}-*`);
  } finally {
    redis.disconnect();
  }
}

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
