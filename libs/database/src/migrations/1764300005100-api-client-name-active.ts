import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API client names are unique among active (unrevoked) clients only, so a revoked key's name can be
 * reused. The index keeps its name, which the CONFLICT message mapping relies on.
 */
export class ApiClientNameActive1764300005100 implements MigrationInterface {
  name = 'ApiClientNameActive1764300005100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX api_client_name_key`);
    await q.query(`CREATE UNIQUE INDEX api_client_name_key ON api_client (name) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Fails while a reused name exists; resolve those rows before migrating down.
    await q.query(`DROP INDEX api_client_name_key`);
    await q.query(`CREATE UNIQUE INDEX api_client_name_key ON api_client (name)`);
  }
}
