import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (libs/notifications): the in-app inbox, its two-stage fan-out, lead follows and
 * per-user preferences.
 *
 * - `notification`: one row per (event, user, channel). The unique key makes every retry, relay
 *   replay or worker crash harmless: stage 2 inserts with ON CONFLICT DO NOTHING.
 * - `notification_fanout`: stage 1's plan, one row per chunk of recipients of one event, written in
 *   the outbox delivery's transaction. Stage-2 jobs only name a chunk; a chunk still pending after
 *   a Redis loss is enqueued again by the sweep, so nothing planned is lost.
 */
export class Notifications1764820000000 implements MigrationInterface {
  name = 'Notifications1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        channel varchar(16) NOT NULL,
        kind varchar(40) NOT NULL,
        lead_id uuid REFERENCES lead(id) ON DELETE CASCADE,
        actor_kind varchar(16),
        actor_id uuid,
        actor_unit_id uuid REFERENCES org_unit(id),
        title varchar(300) NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        CONSTRAINT notification_event_user_channel_key UNIQUE (event_id, user_id, channel)
      )`);
    // The inbox, newest first, and the unread count.
    await q.query(`CREATE INDEX notification_inbox ON notification (user_id, channel, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notification_unread ON notification (user_id, channel) WHERE read_at IS NULL`);
    await q.query(`CREATE INDEX notification_lead ON notification (lead_id)`);

    await q.query(`
      CREATE TABLE notification_fanout (
        event_id uuid NOT NULL,
        seq integer NOT NULL,
        kind varchar(40) NOT NULL,
        lead_id uuid,
        actor_kind varchar(16),
        actor_id uuid,
        actor_unit_id uuid,
        title varchar(300) NOT NULL,
        body text NOT NULL,
        user_ids uuid[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        done_at timestamptz,
        PRIMARY KEY (event_id, seq)
      )`);
    await q.query(`CREATE INDEX notification_fanout_pending ON notification_fanout (created_at) WHERE done_at IS NULL`);
    await q.query(`CREATE INDEX notification_fanout_done ON notification_fanout (done_at) WHERE done_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE lead_follow (
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        lead_id uuid NOT NULL REFERENCES lead(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, lead_id)
      )`);
    await q.query(`CREATE INDEX lead_follow_lead ON lead_follow (lead_id)`);

    // NULL columns mean "the default for the user's role" (see notification-preferences.ts).
    await q.query(`
      CREATE TABLE notification_preference (
        user_id uuid PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
        muted_kinds text[] NOT NULL DEFAULT '{}',
        industry_codes text[] NOT NULL DEFAULT '{}',
        instant boolean,
        digest boolean,
        email varchar(254),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notification_preference_industries ON notification_preference USING gin (industry_codes)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_preference`);
    await q.query(`DROP TABLE lead_follow`);
    await q.query(`DROP TABLE notification_fanout`);
    await q.query(`DROP TABLE notification`);
  }
}
