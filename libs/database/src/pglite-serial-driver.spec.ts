import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@zs/config';
import { dataSourceOptions } from './data-source-options';
import { TransactionalDataSource } from './transactional-data-source';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The embedded PostgreSQL of the zero-setup start: real migrations, real transactions, one session. */
describe('PGlite (zero-setup database)', () => {
  let dir: string;
  let ds: TransactionalDataSource;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zs-pglite-'));
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir });
    ds = new TransactionalDataSource(dataSourceOptions(config));
    await ds.initialize();
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every migration (uuid defaults, enums, text[], jsonb)', async () => {
    const ran = await ds.runMigrations({ transaction: 'each' });
    expect(ran.length).toBeGreaterThan(0);
    expect(await ds.showMigrations()).toBe(false);
    const [row] = await ds.query(
      `INSERT INTO org_unit (code, name, tier, path, depth, leading_industry_codes)
       VALUES ('610100', '西安市', 'CITY', '/x/', 0, ARRAY['a','b']) RETURNING id, leading_industry_codes AS codes`,
    );
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.codes).toEqual(['a', 'b']);
    const [ev] = await ds.query(
      `INSERT INTO outbox_event (type, actor_kind, payload) VALUES ('lead.created', 'system', $1) RETURNING event_id, payload`,
      [JSON.stringify({ a: 1 })],
    );
    expect(ev.payload).toEqual({ a: 1 });
    // Types the migrations created after PGlite opened (first run): their arrays go in and come back as arrays.
    const kinds = await ds.query(`SELECT $1::code_kind[] AS kinds, unnest($1::code_kind[]) AS kind`, [['INDUSTRY', 'LOST_REASON']]);
    expect(kinds).toEqual([
      { kinds: ['INDUSTRY', 'LOST_REASON'], kind: 'INDUSTRY' },
      { kinds: ['INDUSTRY', 'LOST_REASON'], kind: 'LOST_REASON' },
    ]);
  }, 60_000);

  it('keeps a statement issued during another transaction out of that transaction', async () => {
    await ds.query(`CREATE TABLE serial_probe (id int)`);
    const failing = ds
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO serial_probe VALUES (1)`);
        await sleep(100);
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);
    await sleep(10);
    // Issued while the transaction above is open: it must wait, then commit on its own.
    await ds.query(`INSERT INTO serial_probe VALUES (2)`);
    expect(await failing).toBe('roll back');
    expect(await ds.query(`SELECT id FROM serial_probe ORDER BY id`)).toEqual([{ id: 2 }]);
  });

  it('serialises concurrent transactions instead of interleaving them', async () => {
    await ds.query(`CREATE TABLE serial_counter (n int)`);
    await ds.query(`INSERT INTO serial_counter VALUES (0)`);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        ds.transaction(async (tx) => {
          const [{ n }] = await tx.query(`SELECT n FROM serial_counter`);
          await sleep(2);
          await tx.query(`UPDATE serial_counter SET n = $1`, [n + 1]);
        }),
      ),
    );
    expect(await ds.query(`SELECT n FROM serial_counter`)).toEqual([{ n: 10 }]);
  });

  it('gives a second data source in the same process its own database, which closes on its own', async () => {
    const otherDir = mkdtempSync(path.join(tmpdir(), 'zs-pglite-'));
    const other = new TransactionalDataSource(dataSourceOptions(loadConfig({ NODE_ENV: 'development', DATA_DIR: otherDir })));
    try {
      await other.initialize();
      // The first data source's tables are not there: a different directory, a different database.
      expect(await other.query(`SELECT to_regclass('org_unit') AS t`)).toEqual([{ t: null }]);
      await other.destroy();
      expect(await ds.query(`SELECT count(*)::int AS n FROM org_unit`)).toEqual([{ n: 1 }]);
    } finally {
      if (other.isInitialized) await other.destroy();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
