import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CodeTables1764300001000 implements MigrationInterface {
  name = 'CodeTables1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE code_kind AS ENUM ('INDUSTRY', 'CAPITAL_SOURCE', 'ATTRACTION_MODE', 'LOST_REASON')`);
    await q.query(`
      CREATE TABLE code_item (
        kind code_kind NOT NULL,
        code varchar(40) NOT NULL,
        name_zh varchar(100) NOT NULL,
        name_en varchar(100) NOT NULL,
        active boolean NOT NULL DEFAULT true,
        sort_order integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT code_item_pkey PRIMARY KEY (kind, code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE code_item`);
    await q.query(`DROP TYPE code_kind`);
  }
}
