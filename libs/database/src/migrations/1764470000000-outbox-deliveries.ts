import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-consumer outbox progress. The relay fans each committed event out into one `outbox_delivery`
 * row per registered consumer (`outbox_consumer`); every consumer claims, retries, dead-letters and
 * finishes its own rows, so one failing consumer never holds back another. An event is published
 * once every consumer is done with it, and only published events are pruned. The per-event retry
 * columns move to the deliveries.
 */
export class OutboxDeliveries1764470000000 implements MigrationInterface {
  name = 'OutboxDeliveries1764470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_consumer (
        name varchar(63) PRIMARY KEY,
        registered_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE outbox_event ADD COLUMN dispatched_at timestamptz`);
    // Published before this migration: every consumer of the time had it. Unpublished events
    // (dead letters included) are fanned out afresh to the consumers registered when the worker starts.
    await q.query(`UPDATE outbox_event SET dispatched_at = published_at WHERE published_at IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS outbox_event_dead`);
    await q.query(`DROP INDEX IF EXISTS outbox_event_lead_pending`);
    await q.query(`DROP INDEX IF EXISTS outbox_event_claimable`);
    await q.query(`
      ALTER TABLE outbox_event
        DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN next_attempt_at, DROP COLUMN dead_at`);
    await q.query(`CREATE INDEX outbox_event_undispatched ON outbox_event (id) WHERE dispatched_at IS NULL`);
    await q.query(`CREATE INDEX outbox_event_published ON outbox_event (published_at) WHERE published_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE outbox_delivery (
        event_id bigint NOT NULL REFERENCES outbox_event (id) ON DELETE CASCADE,
        consumer varchar(63) NOT NULL,
        lead_id uuid,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz,
        dead_at timestamptz,
        done_at timestamptz,
        PRIMARY KEY (event_id, consumer)
      )`);
    // What a consumer claims, oldest first.
    await q.query(`
      CREATE INDEX outbox_delivery_pending ON outbox_delivery (consumer, event_id) INCLUDE (next_attempt_at, lead_id)
        WHERE done_at IS NULL AND dead_at IS NULL`);
    // "Is an earlier delivery of this lead still pending for this consumer?" (per-lead order).
    await q.query(`
      CREATE INDEX outbox_delivery_lead_pending ON outbox_delivery (consumer, lead_id, event_id)
        WHERE done_at IS NULL AND dead_at IS NULL`);
    await q.query(`
      CREATE INDEX outbox_delivery_dead ON outbox_delivery (consumer, event_id) WHERE dead_at IS NOT NULL AND done_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_delivery`);
    await q.query(`DROP INDEX IF EXISTS outbox_event_published`);
    await q.query(`DROP INDEX IF EXISTS outbox_event_undispatched`);
    await q.query(`
      ALTER TABLE outbox_event
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN last_error text,
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN dead_at timestamptz,
        DROP COLUMN dispatched_at`);
    await q.query(
      `CREATE INDEX outbox_event_claimable ON outbox_event (id) INCLUDE (next_attempt_at, lead_id)
        WHERE published_at IS NULL AND dead_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX outbox_event_lead_pending ON outbox_event (lead_id, id) WHERE published_at IS NULL AND dead_at IS NULL`,
    );
    await q.query(`CREATE INDEX outbox_event_dead ON outbox_event (id) WHERE dead_at IS NOT NULL AND published_at IS NULL`);
    await q.query(`DROP TABLE outbox_consumer`);
  }
}
