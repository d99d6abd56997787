import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery attempts and a dead letter for the outbox relay: a failing event is retried with
 * exponential backoff (next_attempt_at) and parked (dead_at) after OUTBOX_MAX_ATTEMPTS, so it no
 * longer holds back its lead's later events.
 */
export class OutboxAttempts1764300006000 implements MigrationInterface {
  name = 'OutboxAttempts1764300006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox_event
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN last_error text,
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN dead_at timestamptz`);
    // What the relay claims: unpublished, not dead; due-ness (next_attempt_at) is checked on the row.
    await q.query(
      `CREATE INDEX outbox_event_claimable ON outbox_event (id) INCLUDE (next_attempt_at, lead_id)
        WHERE published_at IS NULL AND dead_at IS NULL`,
    );
    // "Is an earlier event of this lead still pending?" (per-lead ordering across batches).
    await q.query(
      `CREATE INDEX outbox_event_lead_pending ON outbox_event (lead_id, id)
        WHERE published_at IS NULL AND dead_at IS NULL`,
    );
    // The dead letters operators look at and replay.
    await q.query(`CREATE INDEX outbox_event_dead ON outbox_event (id) WHERE dead_at IS NOT NULL AND published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS outbox_event_dead`);
    await q.query(`DROP INDEX IF EXISTS outbox_event_lead_pending`);
    await q.query(`DROP INDEX IF EXISTS outbox_event_claimable`);
    await q.query(`
      ALTER TABLE outbox_event
        DROP COLUMN dead_at,
        DROP COLUMN next_attempt_at,
        DROP COLUMN last_error,
        DROP COLUMN attempts`);
  }
}
