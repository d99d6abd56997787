import { Client } from 'pg';

export interface SqlLog {
  count: number;
  statements: string[];
}

/**
 * Counts every statement any pg client of this process sends while `fn` runs (TypeORM, the
 * repositories' raw SQL and the auth look-ups all end in `Client.prototype.query`).
 */
export async function countSql<T>(fn: () => Promise<T>): Promise<{ result: T; log: SqlLog }> {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const log: SqlLog = { count: 0, statements: [] };
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === 'string' ? q : ((q as { text?: string } | null)?.text ?? String(q));
    log.count++;
    log.statements.push(text.replace(/\s+/g, ' ').trim().slice(0, 200));
    return original.apply(this, args);
  };
  try {
    const result = await fn();
    return { result, log };
  } finally {
    proto.query = original;
  }
}
