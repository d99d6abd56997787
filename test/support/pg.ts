import { Client } from 'pg';

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
