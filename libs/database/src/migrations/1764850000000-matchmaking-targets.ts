import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matchmaking events (项目对接活动, libs/matchmaking), the leads presented at them and the event a lead
 * was signed at; yearly unit targets with their history (libs/targets); the export audit log.
 */
export class MatchmakingTargets1764850000000 implements MigrationInterface {
  name = 'MatchmakingTargets1764850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE matchmaking_event_kind AS ENUM ('CITY_INTERNAL', 'WITH_OUTSIDE_PARKS', 'CHAMBER_OF_COMMERCE', 'ALUMNI', 'ONLINE', 'OTHER')`,
    );
    await q.query(`CREATE TYPE matchmaking_event_status AS ENUM ('PLANNED', 'OPEN', 'CLOSED')`);
    await q.query(`
      CREATE TABLE matchmaking_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        host_unit_id uuid NOT NULL REFERENCES org_unit (id),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        place varchar(200),
        kind matchmaking_event_kind NOT NULL,
        status matchmaking_event_status NOT NULL DEFAULT 'PLANNED',
        participating_unit_ids uuid[] NOT NULL DEFAULT '{}',
        external_parties text[] NOT NULL DEFAULT '{}',
        notes varchar(4000),
        version integer NOT NULL DEFAULT 1,
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at >= starts_at)
      )`);
    await q.query(`CREATE INDEX matchmaking_event_list ON matchmaking_event (starts_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE matchmaking_event_lead (
        event_id uuid NOT NULL REFERENCES matchmaking_event (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL REFERENCES lead (id) ON DELETE CASCADE,
        added_by_id uuid NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, lead_id)
      )`);
    await q.query(`CREATE INDEX matchmaking_event_lead_lead ON matchmaking_event_lead (lead_id)`);
    await q.query(`ALTER TABLE lead ADD COLUMN signed_at_event_id uuid REFERENCES matchmaking_event (id)`);
    await q.query(`CREATE INDEX lead_signed_at_event ON lead (signed_at_event_id) WHERE signed_at_event_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE unit_target (
        unit_id uuid NOT NULL REFERENCES org_unit (id),
        year smallint NOT NULL,
        signed_count integer NOT NULL CHECK (signed_count >= 0),
        signed_investment numeric(16, 2) NOT NULL CHECK (signed_investment >= 0),
        landed_count integer NOT NULL CHECK (landed_count >= 0),
        landed_investment numeric(16, 2) NOT NULL CHECK (landed_investment >= 0),
        version integer NOT NULL DEFAULT 1,
        updated_by_id uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (unit_id, year)
      )`);
    await q.query(`
      CREATE TABLE unit_target_history (
        id bigserial PRIMARY KEY,
        unit_id uuid NOT NULL REFERENCES org_unit (id),
        year smallint NOT NULL,
        signed_count integer NOT NULL,
        signed_investment numeric(16, 2) NOT NULL,
        landed_count integer NOT NULL,
        landed_investment numeric(16, 2) NOT NULL,
        set_by_id uuid NOT NULL,
        set_by_unit_id uuid NOT NULL,
        set_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX unit_target_history_unit ON unit_target_history (unit_id, year, id)`);

    await q.query(`
      CREATE TABLE export_audit (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        actor_kind varchar(16) NOT NULL,
        actor_id uuid NOT NULL,
        kind varchar(32) NOT NULL,
        filter jsonb NOT NULL,
        rows integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX export_audit_list ON export_audit (at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_audit`);
    await q.query(`DROP TABLE unit_target_history`);
    await q.query(`DROP TABLE unit_target`);
    await q.query(`ALTER TABLE lead DROP COLUMN signed_at_event_id`);
    await q.query(`DROP TABLE matchmaking_event_lead`);
    await q.query(`DROP TABLE matchmaking_event`);
    await q.query(`DROP TYPE matchmaking_event_status`);
    await q.query(`DROP TYPE matchmaking_event_kind`);
  }
}
