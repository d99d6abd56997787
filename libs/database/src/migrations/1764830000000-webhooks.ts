import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner webhooks (libs/webhooks). A webhook belongs to an API client and lists the event types it
 * wants; its secret signs every request, so it is kept (shown once, at creation). A delivery is one
 * event for one webhook: unique (webhook_id, event_id), so relay replays and retried fan-outs insert
 * it once. PENDING (never tried, or redelivered) → DELIVERED, or FAILED (retry at next_attempt_at)
 * → … → DEAD. `payload` is the request body's object, fixed when the event was fanned out.
 */
export class Webhooks1764830000000 implements MigrationInterface {
  name = 'Webhooks1764830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE webhook_delivery_status AS ENUM ('PENDING', 'DELIVERED', 'FAILED', 'DEAD')`);
    await q.query(`
      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        api_client_id uuid NOT NULL REFERENCES api_client (id) ON DELETE CASCADE,
        url varchar(2000) NOT NULL,
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        secret varchar(100) NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_api_client ON webhook (api_client_id, created_at, id)`);
    await q.query(`CREATE INDEX webhook_events ON webhook USING gin (events) WHERE active`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_type varchar(64) NOT NULL,
        lead_id uuid,
        status webhook_delivery_status NOT NULL DEFAULT 'PENDING',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_status_code integer,
        last_error text,
        payload jsonb NOT NULL,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_delivery_once UNIQUE (webhook_id, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_delivery_list ON webhook_delivery (webhook_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status IN ('PENDING', 'FAILED')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook`);
    await q.query(`DROP TYPE webhook_delivery_status`);
  }
}
