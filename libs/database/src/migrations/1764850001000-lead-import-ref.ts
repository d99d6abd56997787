import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The external reference (台账编号) of an imported lead, per owner unit: importing the same file twice
 * finds the reference and creates nothing new.
 */
export class LeadImportRef1764850001000 implements MigrationInterface {
  name = 'LeadImportRef1764850001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lead_import_ref (
        owner_unit_id uuid NOT NULL REFERENCES org_unit (id),
        external_ref varchar(100) NOT NULL,
        lead_id uuid NOT NULL REFERENCES lead (id) ON DELETE CASCADE,
        imported_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner_unit_id, external_ref)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lead_import_ref`);
  }
}
