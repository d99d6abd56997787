import type { SqlRunner as Client } from './pg';

/** Every table a lead mutation may touch, in a stable order. */
export const LEAD_TABLES: Record<string, string> = {
  lead: 'id',
  lead_history: 'id',
  lead_assignment: 'lead_id, unit_id',
  lead_referral: 'id',
  lead_activity: 'id',
  lead_conflict: 'id',
  outbox_event: 'id',
};

/** The full content of the lead tables and the outbox, for before/after comparisons. */
export async function snapshot(c: Client): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(LEAD_TABLES)) {
    const { rows } = await c.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY ${order}`);
    out[table] = rows.map((r: { row: unknown }) => r.row);
  }
  return out;
}

export async function maxOutboxId(c: Client): Promise<number> {
  const { rows } = await c.query<{ m: string | null }>(`SELECT max(id) AS m FROM outbox_event`);
  return Number(rows[0].m ?? 0);
}

export interface OutboxRow {
  id: string;
  type: string;
  lead_id: string | null;
  actor_kind: string;
  actor_id: string | null;
  payload: Record<string, unknown>;
  xid: string;
}

/** Events written after `afterId`, with the id of the transaction that wrote each one (xmin). */
export async function eventsAfter(c: Client, afterId: number): Promise<OutboxRow[]> {
  const { rows } = await c.query<OutboxRow>(
    `SELECT id, type, lead_id, actor_kind, actor_id, payload, xmin::text AS xid FROM outbox_event WHERE id > $1 ORDER BY id`,
    [afterId],
  );
  return rows;
}

/** Transaction ids (xmin) of the rows `sql` selects; the query must select `xmin::text AS xid`. */
export async function xids(c: Client, sql: string, params: unknown[]): Promise<string[]> {
  const { rows } = await c.query<{ xid: string }>(sql, params);
  return rows.map((r) => r.xid);
}

/**
 * Makes the database refuse outbox events (or another table's inserts) of chosen kinds, so a test can
 * check that the change they belong to is rolled back with them.
 */
export async function installFailureInjection(c: Client): Promise<void> {
  await c.query(`CREATE TABLE IF NOT EXISTS test_fail_insert (tbl text NOT NULL, kind text NOT NULL)`);
  await c.query(`
    CREATE OR REPLACE FUNCTION test_fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_fail_insert WHERE tbl = 'outbox_event' AND kind IN (NEW.type, '*')) THEN
        RAISE EXCEPTION 'injected failure: outbox event %', NEW.type;
      END IF;
      RETURN NEW;
    END $$`);
  await c.query(`
    CREATE OR REPLACE FUNCTION test_fail_history() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_fail_insert WHERE tbl = 'lead_history' AND kind IN (NEW.action, '*')) THEN
        RAISE EXCEPTION 'injected failure: history %', NEW.action;
      END IF;
      RETURN NEW;
    END $$`);
  await c.query(`DROP TRIGGER IF EXISTS test_fail_outbox ON outbox_event`);
  await c.query(`CREATE TRIGGER test_fail_outbox BEFORE INSERT ON outbox_event FOR EACH ROW EXECUTE FUNCTION test_fail_outbox()`);
  await c.query(`DROP TRIGGER IF EXISTS test_fail_history ON lead_history`);
  await c.query(`CREATE TRIGGER test_fail_history BEFORE INSERT ON lead_history FOR EACH ROW EXECUTE FUNCTION test_fail_history()`);
}

export async function failInserts<T>(c: Client, tbl: 'outbox_event' | 'lead_history', kind: string, fn: () => Promise<T>): Promise<T> {
  await c.query(`INSERT INTO test_fail_insert (tbl, kind) VALUES ($1, $2)`, [tbl, kind]);
  try {
    return await fn();
  } finally {
    await c.query(`DELETE FROM test_fail_insert WHERE tbl = $1 AND kind = $2`, [tbl, kind]);
  }
}
