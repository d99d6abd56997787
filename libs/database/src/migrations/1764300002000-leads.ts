import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Leads1764300002000 implements MigrationInterface {
  name = 'Leads1764300002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_event (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL DEFAULT gen_random_uuid(),
        type varchar(64) NOT NULL,
        lead_id uuid,
        actor_kind varchar(16) NOT NULL,
        actor_id uuid,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        payload jsonb NOT NULL,
        published_at timestamptz,
        CONSTRAINT outbox_event_event_id_key UNIQUE (event_id)
      )`);
    await q.query(`CREATE INDEX outbox_event_unpublished ON outbox_event (id) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX outbox_event_lead ON outbox_event (lead_id, id)`);

    await q.query(
      `CREATE TYPE lead_stage AS ENUM ('LEAD', 'NEGOTIATING', 'SIGNED', 'LANDED', 'OPERATING', 'ON_HOLD', 'LOST')`,
    );
    await q.query(`CREATE TYPE sharing_scope AS ENUM ('PRIVATE', 'DISTRICT', 'CITY', 'PUBLIC')`);
    await q.query(`CREATE SEQUENCE lead_code_seq`);
    await q.query(`
      CREATE TABLE lead (
        id uuid PRIMARY KEY,
        code varchar(32) NOT NULL,
        title varchar(200) NOT NULL,
        summary varchar(1000),
        description text,
        industry_code varchar(40) NOT NULL,
        capital_source_code varchar(40),
        attraction_mode_codes text[] NOT NULL DEFAULT '{}',
        investor_name varchar(200) NOT NULL,
        investor_name_norm varchar(200) NOT NULL,
        investor_uscc char(18),
        investor_country varchar(100),
        investment_amount numeric(16, 2) CHECK (investment_amount >= 0),
        land_area_mu numeric(12, 2) CHECK (land_area_mu >= 0),
        factory_area_sqm numeric(14, 2) CHECK (factory_area_sqm >= 0),
        expected_jobs integer CHECK (expected_jobs >= 0),
        expected_annual_output numeric(16, 2) CHECK (expected_annual_output >= 0),
        expected_annual_tax numeric(16, 2) CHECK (expected_annual_tax >= 0),
        expected_landing_date date,
        stage lead_stage NOT NULL DEFAULT 'LEAD',
        stage_before_hold lead_stage,
        lost_reason_code varchar(40),
        sharing_scope sharing_scope NOT NULL DEFAULT 'PRIVATE',
        owner_unit_id uuid NOT NULL REFERENCES org_unit(id),
        landing_unit_id uuid REFERENCES org_unit(id),
        contacts jsonb NOT NULL DEFAULT '[]',
        version integer NOT NULL DEFAULT 1,
        created_by_kind varchar(16) NOT NULL,
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        signed_at timestamptz,
        landed_at timestamptz,
        CONSTRAINT lead_code_key UNIQUE (code)
      )`);
    await q.query(`CREATE INDEX lead_owner ON lead (owner_unit_id)`);
    await q.query(`CREATE INDEX lead_scope ON lead (sharing_scope)`);
    await q.query(`CREATE INDEX lead_created ON lead (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX lead_updated ON lead (updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX lead_uscc ON lead (investor_uscc) WHERE investor_uscc IS NOT NULL`);
    await q.query(`CREATE INDEX lead_investor_norm ON lead (investor_name_norm)`);
    await q.query(`CREATE INDEX lead_stage_idx ON lead (stage)`);
    await q.query(`CREATE INDEX lead_signed ON lead (signed_at) WHERE signed_at IS NOT NULL`);
    await q.query(`CREATE INDEX lead_landed ON lead (landed_at) WHERE landed_at IS NOT NULL`);

    await q.query(`CREATE TYPE lead_assignment_via AS ENUM ('REFERRAL', 'ASSIGNMENT')`);
    await q.query(`
      CREATE TABLE lead_assignment (
        lead_id uuid NOT NULL REFERENCES lead(id) ON DELETE CASCADE,
        unit_id uuid NOT NULL REFERENCES org_unit(id),
        via lead_assignment_via NOT NULL,
        assigned_by_id uuid NOT NULL,
        assigned_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lead_assignment_pkey PRIMARY KEY (lead_id, unit_id)
      )`);
    await q.query(`CREATE INDEX lead_assignment_unit ON lead_assignment (unit_id)`);

    await q.query(`CREATE TYPE referral_status AS ENUM ('PENDING', 'ACCEPTED', 'DECLINED', 'WITHDRAWN')`);
    await q.query(`
      CREATE TABLE lead_referral (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES lead(id) ON DELETE CASCADE,
        from_unit_id uuid NOT NULL REFERENCES org_unit(id),
        to_unit_id uuid NOT NULL REFERENCES org_unit(id),
        status referral_status NOT NULL DEFAULT 'PENDING',
        note varchar(2000),
        response_note varchar(2000),
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        responded_by_id uuid,
        responded_at timestamptz
      )`);
    // One open offer per lead and receiving unit.
    await q.query(
      `CREATE UNIQUE INDEX lead_referral_one_pending ON lead_referral (lead_id, to_unit_id) WHERE status = 'PENDING'`,
    );
    await q.query(`CREATE INDEX lead_referral_to ON lead_referral (to_unit_id, status)`);
    await q.query(`CREATE INDEX lead_referral_from ON lead_referral (from_unit_id, status)`);

    await q.query(`CREATE TYPE lead_activity_kind AS ENUM ('VISIT', 'CALL', 'MEETING', 'NOTE', 'EVENT')`);
    await q.query(`
      CREATE TABLE lead_activity (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES lead(id) ON DELETE CASCADE,
        kind lead_activity_kind NOT NULL,
        occurred_at timestamptz NOT NULL,
        summary varchar(2000) NOT NULL,
        participants text[] NOT NULL DEFAULT '{}',
        created_by_kind varchar(16) NOT NULL,
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX lead_activity_lead ON lead_activity (lead_id, occurred_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE lead_history (
        id bigserial PRIMARY KEY,
        lead_id uuid NOT NULL REFERENCES lead(id) ON DELETE CASCADE,
        action varchar(40) NOT NULL,
        actor_kind varchar(16) NOT NULL,
        actor_id uuid,
        at timestamptz NOT NULL DEFAULT now(),
        changes jsonb NOT NULL DEFAULT '[]',
        note varchar(2000)
      )`);
    await q.query(`CREATE INDEX lead_history_lead ON lead_history (lead_id, id)`);

    await q.query(`CREATE TYPE conflict_match AS ENUM ('USCC', 'NAME')`);
    await q.query(`CREATE TYPE conflict_status AS ENUM ('OPEN', 'RESOLVED')`);
    await q.query(
      `CREATE TYPE conflict_resolution AS ENUM ('KEEP_FIRST', 'KEEP_SECOND', 'JOINT_PURSUIT', 'FALSE_MATCH')`,
    );
    await q.query(`
      CREATE TABLE lead_conflict (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_a_id uuid NOT NULL REFERENCES lead(id) ON DELETE CASCADE,
        lead_b_id uuid NOT NULL REFERENCES lead(id) ON DELETE CASCADE,
        match conflict_match NOT NULL,
        coordinating_unit_id uuid NOT NULL REFERENCES org_unit(id),
        status conflict_status NOT NULL DEFAULT 'OPEN',
        resolution conflict_resolution,
        note varchar(2000),
        detected_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolved_by_id uuid,
        CONSTRAINT lead_conflict_ordered CHECK (lead_a_id < lead_b_id),
        CONSTRAINT lead_conflict_pair_key UNIQUE (lead_a_id, lead_b_id)
      )`);
    await q.query(`CREATE INDEX lead_conflict_b ON lead_conflict (lead_b_id)`);
    await q.query(`CREATE INDEX lead_conflict_coordinator ON lead_conflict (coordinating_unit_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['lead_conflict', 'lead_history', 'lead_activity', 'lead_referral', 'lead_assignment', 'lead', 'outbox_event']) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`DROP SEQUENCE lead_code_seq`);
    for (const t of [
      'conflict_resolution',
      'conflict_status',
      'conflict_match',
      'lead_activity_kind',
      'referral_status',
      'lead_assignment_via',
      'sharing_scope',
      'lead_stage',
    ]) {
      await q.query(`DROP TYPE ${t}`);
    }
  }
}
