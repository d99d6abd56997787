import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type AppConfig, loadConfig } from '@zs/config';
import { createTestDatabase, deleteKeys, testRedisPrefix, testRedisUrl, type TestDatabase } from '@zs/testing';
import { createApiApp } from '../../apps/api/src/bootstrap';

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: {
      message: string;
      path?: string[];
      extensions?: { code?: string; fields?: { path: string; message: string }[]; [k: string]: unknown };
    }[];
  };
  headers: Headers;
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  db: TestDatabase;
  baseUrl: string;
  /** True on the embedded database of `npm start` (TEST_DATABASE=pglite): no server to connect to. */
  embedded: boolean;
  /** A query on the app's own database (through its DataSource, so it works on PGlite too). */
  sql<R = Record<string, any>>(text: string, params?: unknown[]): Promise<R[]>;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    auth?: { token?: string; apiKey?: string; headers?: Record<string, string> },
  ): Promise<GqlResponse<T>>;
  close(): Promise<void>;
}

/** The real api (HTTP, GraphQL, PostgreSQL, Redis) on a random port with its own database and Redis prefix. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  // TEST_DATABASE=pglite runs the same suite on the embedded database of `npm start`.
  if (process.env.TEST_DATABASE === 'pglite') return startEmbeddedTestApp(env);
  return serveTestApp(await createTestDatabase(), env);
}

/**
 * The same api on the embedded database of `npm start` (PGlite in a fresh DATA_DIR, migrated like a
 * first start). `db.url` is empty: there is no server to connect to, query through the app's DataSource.
 */
export async function startEmbeddedTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zs-embedded-'));
  const db: TestDatabase = {
    name: `pglite:${dir}`,
    url: '',
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
  const t = await serveTestApp(db, { DATA_DIR: dir, ...env });
  try {
    await t.app.get(DataSource).runMigrations({ transaction: 'each' });
  } catch (err) {
    await t.close();
    throw err;
  }
  return t;
}

async function serveTestApp(db: TestDatabase, env: Record<string, string>): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: testRedisPrefix(),
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    ...env,
  });
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataSource = app.get(DataSource);

  return {
    app,
    config,
    db,
    baseUrl,
    embedded: !db.url,
    sql: (text, params) => dataSource.query(text, params),
    async gql(query, variables = {}, auth = {}) {
      // What current GraphQL clients send; tests of legacy `application/json`-only clients pass their own.
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
        ...auth.headers,
      };
      if (auth.token) headers.authorization = `Bearer ${auth.token}`;
      if (auth.apiKey) headers['x-api-key'] = auth.apiKey;
      const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const text = await res.text();
      let body: GqlResponse['body'];
      try {
        body = JSON.parse(text) as GqlResponse['body'];
      } catch {
        body = { errors: [{ message: text }] };
      }
      return { status: res.status, body: body as GqlResponse<any>['body'], headers: res.headers };
    },
    async close() {
      await app.close();
      const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
      try {
        await deleteKeys(redis, `${config.redisPrefix}*`);
      } finally {
        redis.disconnect();
      }
      await db.drop();
    },
  };
}
