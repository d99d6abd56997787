import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764300000000 implements MigrationInterface {
  name = 'Initial1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE org_tier AS ENUM ('CITY', 'DISTRICT', 'ZONE')`);
    // `path` is the materialized path of ids ("/root/.../self/"): ancestors are its prefixes,
    // descendants share it as a prefix, so every visibility check is one indexed comparison.
    await q.query(`
      CREATE TABLE org_unit (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        tier org_tier NOT NULL,
        parent_id uuid REFERENCES org_unit(id),
        path text NOT NULL,
        depth smallint NOT NULL,
        leading_industry_codes text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT org_unit_code_key UNIQUE (code),
        CONSTRAINT org_unit_path_key UNIQUE (path),
        CONSTRAINT org_unit_root_is_city CHECK ((parent_id IS NULL) = (tier = 'CITY'))
      )`);
    await q.query(`CREATE UNIQUE INDEX org_unit_single_city ON org_unit ((true)) WHERE tier = 'CITY'`);
    await q.query(`CREATE INDEX org_unit_path_prefix ON org_unit (path text_pattern_ops)`);
    await q.query(`CREATE INDEX org_unit_parent ON org_unit (parent_id)`);

    await q.query(`CREATE TYPE user_role AS ENUM ('ADMIN', 'MANAGER', 'OFFICER', 'VIEWER')`);
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(64) NOT NULL,
        display_name varchar(100) NOT NULL,
        password_hash text NOT NULL,
        unit_id uuid NOT NULL REFERENCES org_unit(id),
        role user_role NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX app_user_username_key ON app_user (lower(username))`);
    await q.query(`CREATE INDEX app_user_unit ON app_user (unit_id)`);

    await q.query(`
      CREATE TABLE api_client (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        unit_id uuid NOT NULL REFERENCES org_unit(id),
        scopes text[] NOT NULL,
        key_prefix varchar(16) NOT NULL,
        key_hash char(64) NOT NULL,
        rate_limit_per_minute integer NOT NULL DEFAULT 600 CHECK (rate_limit_per_minute > 0),
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX api_client_name_key ON api_client (name)`);
    await q.query(`CREATE UNIQUE INDEX api_client_key_hash_key ON api_client (key_hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_client`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`DROP TYPE user_role`);
    await q.query(`DROP TABLE org_unit`);
    await q.query(`DROP TYPE org_tier`);
  }
}
