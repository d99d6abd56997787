import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revocable access tokens: every token carries the user's token_version (claim `ver`, absent = 0) and
 * stops working once the version moves on (logout, password change, deactivation).
 */
export class UserTokenVersion1764300005000 implements MigrationInterface {
  name = 'UserTokenVersion1764300005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN token_version`);
  }
}
