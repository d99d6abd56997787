import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Needs and offers at a matchmaking event (libs/matchmaking): a unit posts what it seeks (NEED) or a
 * project it cannot host (OFFER); an answer is a referral (lead_referral), recorded on the row.
 */
export class EventNeedOffer1764880000000 implements MigrationInterface {
  name = 'EventNeedOffer1764880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE event_need_offer_kind AS ENUM ('NEED', 'OFFER')`);
    await q.query(`CREATE TYPE event_need_offer_status AS ENUM ('OPEN', 'ANSWERED', 'WITHDRAWN')`);
    await q.query(`
      CREATE TABLE event_need_offer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES matchmaking_event (id) ON DELETE CASCADE,
        unit_id uuid NOT NULL REFERENCES org_unit (id),
        kind event_need_offer_kind NOT NULL,
        lead_id uuid REFERENCES lead (id) ON DELETE SET NULL,
        industry_code varchar(40) NOT NULL,
        land_area_mu numeric(12, 2) CHECK (land_area_mu >= 0),
        floor_space_sqm numeric(14, 2) CHECK (floor_space_sqm >= 0),
        description varchar(2000) NOT NULL,
        status event_need_offer_status NOT NULL DEFAULT 'OPEN',
        referral_id uuid REFERENCES lead_referral (id) ON DELETE SET NULL,
        answered_unit_id uuid REFERENCES org_unit (id),
        answered_by_id uuid,
        answered_at timestamptz,
        created_by_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- A NEED is what the unit seeks: it names no lead of its own.
        CHECK (kind = 'OFFER' OR lead_id IS NULL)
      )`);
    await q.query(`CREATE INDEX event_need_offer_event ON event_need_offer (event_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_need_offer`);
    await q.query(`DROP TYPE event_need_offer_status`);
    await q.query(`DROP TYPE event_need_offer_kind`);
  }
}
