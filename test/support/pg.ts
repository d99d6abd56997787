import { Client } from 'pg';
import type { TestApp } from './test-app';

/** A short-lived pg connection to the test app's own database (never the app's pool). */
export async function withPg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The same shape as a pg client, on the test app's own database whichever engine it runs on (PGlite too). */
export interface SqlRunner {
  query<R = any>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export function sqlRunner(t: Pick<TestApp, 'sql'>): SqlRunner {
  return { query: async <R,>(text: string, params?: unknown[]) => ({ rows: await t.sql<R>(text, params) }) };
}

export async function withDb<T>(t: Pick<TestApp, 'sql'>, fn: (c: SqlRunner) => Promise<T>): Promise<T> {
  return fn(sqlRunner(t));
}
