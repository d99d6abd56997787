import { Client } from 'pg';
import { createTestDatabase } from '@zs/testing';
import { UsernameCanonical1764420000000 } from '../libs/database/src/migrations/1764420000000-username-canonical';

it('the username-canonical migration backfills existing users and moves the unique index onto the canonical column', async () => {
  const db = await createTestDatabase();
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    const m = new UsernameCanonical1764420000000();
    const q = { query: (sql: string, p?: unknown[]) => c.query(sql, p).then((r) => r.rows) } as any;
    await m.down(q);
    await c.query(`INSERT INTO org_unit (id, code, name, tier, path, depth) VALUES (gen_random_uuid(), 'MIG-X', 'x', 'CITY', '/mig/', 0)`);
    const [u] = (await c.query(`SELECT id FROM org_unit WHERE code = 'MIG-X'`)).rows;
    await c.query(
      `INSERT INTO app_user (username, display_name, password_hash, unit_id, role) VALUES ('Zhang.San', 'z', 'h', $1, 'VIEWER'), ('li', 'l', 'h', $1, 'VIEWER')`,
      [u.id],
    );
    await m.up(q);
    const rows = (await c.query(`SELECT username, username_canonical FROM app_user ORDER BY username`)).rows;
    expect(rows).toEqual([
      { username: 'Zhang.San', username_canonical: 'zhang.san' },
      { username: 'li', username_canonical: 'li' },
    ]);
    await expect(
      c.query(
        `INSERT INTO app_user (username, username_canonical, display_name, password_hash, unit_id, role) VALUES ('ZHANG.SAN', 'zhang.san', 'z', 'h', $1, 'VIEWER')`,
        [u.id],
      ),
    ).rejects.toThrow(/app_user_username_key/);
  } finally {
    await c.end();
    await db.drop();
  }
});
