import type { MigrationInterface, QueryRunner } from 'typeorm';
// The identity library's own definition, so the backfill and every later look-up agree exactly.
import { canonicalUsername } from '../../../identity/src/users/username';

/**
 * Usernames get a stored canonical form (NFKC + case fold, computed in JavaScript) with its own
 * unique index, replacing the index on PostgreSQL's locale-dependent `lower(username)`. The index
 * keeps the name `app_user_username_key`, which the CONFLICT message mapping relies on.
 */
export class UsernameCanonical1764420000000 implements MigrationInterface {
  name = 'UsernameCanonical1764420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN username_canonical varchar(64)`);
    const rows: { id: string; username: string }[] = await q.query(`SELECT id, username FROM app_user`);
    const canonical = rows.map((r) => canonicalUsername(r.username));
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    rows.forEach((r, i) => {
      const other = seen.get(canonical[i]);
      if (other !== undefined) clashes.push(`${other} / ${r.username}`);
      else seen.set(canonical[i], r.username);
    });
    if (clashes.length > 0) {
      throw new Error(`Usernames that differ only in case or compatibility form; rename one of each: ${clashes.join(', ')}`);
    }
    // Row by row with scalar parameters: user tables are small, and array parameters are what
    // PGlite's first run mis-parses (see issue 6).
    for (const [i, r] of rows.entries()) {
      await q.query(`UPDATE app_user SET username_canonical = $1 WHERE id = $2`, [canonical[i], r.id]);
    }
    await q.query(`ALTER TABLE app_user ALTER COLUMN username_canonical SET NOT NULL`);
    await q.query(`DROP INDEX app_user_username_key`);
    await q.query(`CREATE UNIQUE INDEX app_user_username_key ON app_user (username_canonical)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX app_user_username_key`);
    await q.query(`ALTER TABLE app_user DROP COLUMN username_canonical`);
    await q.query(`CREATE UNIQUE INDEX app_user_username_key ON app_user (lower(username))`);
  }
}
