import path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../database/src/migrations';
import { adminDatabaseUrl, databaseUrl, randomSuffix, templateDatabaseName } from './test-env';

/**
 * Migrates one template database per run; every test file clones it (CREATE DATABASE … TEMPLATE),
 * which takes milliseconds and keeps files from seeing each other's data.
 */
export default async function globalSetup(): Promise<void> {
  // Several projects (e2e, pglite) share one run: the first sets it up.
  if (process.env.ZS_TEST_RUN_ID) return;
  // Suites that run the built code (the generator in bench/, a worker child process) find dist/ current;
  // building here, once, keeps test files from building it concurrently.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildIfStale } = require('../../../scripts/build-if-stale.js') as { buildIfStale(root: string): boolean };
  buildIfStale(path.resolve(__dirname, '../../..'));
  const runId = `${Date.now().toString(36)}_${randomSuffix()}`;
  process.env.ZS_TEST_RUN_ID = runId;
  const template = templateDatabaseName(runId);
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const ds = new DataSource({ type: 'postgres', url: databaseUrl(template), migrations: MIGRATIONS, logging: ['error'] });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
