import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { loadConfig } from '@zs/config';
import { createTestDatabase, type TestDatabase } from '@zs/testing';
import { dataSourceOptions } from '../libs/database/src/data-source-options';
import { TransactionalDataSource } from '@zs/database';

@Entity('tx_probe')
class TxProbe {
  @PrimaryColumn('int')
  id!: number;

  @Column('text')
  note!: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target {
  ds: TransactionalDataSource;
  close(): Promise<void>;
}

const targets: Record<string, () => Promise<Target>> = {
  PostgreSQL: async () => {
    const db: TestDatabase = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url });
    const ds = new TransactionalDataSource(dataSourceOptions(config, { entities: [TxProbe] }));
    await ds.initialize();
    return { ds, close: () => ds.destroy().then(() => db.drop()) };
  },
  PGlite: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zs-txctx-'));
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir });
    const ds = new TransactionalDataSource(dataSourceOptions(config, { entities: [TxProbe] }));
    await ds.initialize();
    return {
      ds,
      close: async () => {
        await ds.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

describe.each(Object.keys(targets))('transaction context on %s', (name) => {
  let t: Target;
  let ds: TransactionalDataSource;
  const count = async (): Promise<number> => Number((await ds.query(`SELECT count(*)::int AS n FROM tx_probe`))[0].n);

  beforeAll(async () => {
    t = await targets[name]();
    ds = t.ds;
    await ds.query(`CREATE TABLE tx_probe (id int PRIMARY KEY, note text NOT NULL)`);
  }, 60_000);
  afterAll(() => t?.close());
  beforeEach(() => ds.query(`DELETE FROM tx_probe`));

  it('runs DataSource-level queries, the shared manager, repositories and query builders in the open transaction', async () => {
    const seen = await ds
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO tx_probe VALUES (1, 'uncommitted')`);
        expect(TransactionalDataSource.inTransaction()).toBe(true);
        const viaDataSource = await ds.query(`SELECT note FROM tx_probe`);
        const viaManager = await ds.manager.find(TxProbe);
        await ds.getRepository(TxProbe).insert({ id: 2, note: 'by repository' });
        const viaBuilder = await ds.createQueryBuilder(TxProbe, 'p').orderBy('p.id').getMany();
        const seen = { viaDataSource, viaManager, viaBuilder: viaBuilder.map((p) => p.id) };
        throw Object.assign(new Error('roll back'), { seen });
      })
      .catch((e: Error & { seen?: unknown }) => e.seen);
    expect(seen).toEqual({
      viaDataSource: [{ note: 'uncommitted' }],
      viaManager: [{ id: 1, note: 'uncommitted' }],
      viaBuilder: [1, 2],
    });
    // Everything issued inside, through whichever door, was rolled back with the transaction.
    expect(await count()).toBe(0);
    expect(TransactionalDataSource.inTransaction()).toBe(false);
  });

  it('keeps a concurrent query outside the transaction isolated from it', async () => {
    let inserted!: () => void;
    const insertedP = new Promise<void>((r) => (inserted = r));
    const tx = ds.transaction(async (m) => {
      await m.query(`INSERT INTO tx_probe VALUES (1, 'x')`);
      inserted();
      await sleep(150);
      await ds.query(`INSERT INTO tx_probe VALUES (2, 'y')`);
    });
    await insertedP;
    // Not inside the transaction's async chain: it must neither see nor join it (on PGlite it waits its turn).
    const outside = await count();
    await tx;
    expect(outside).toBe(name === 'PGlite' ? 2 : 0);
    expect(await count()).toBe(2);
  });

  it('turns a nested transaction() into a savepoint of the outer one', async () => {
    await ds.transaction(async () => {
      await ds.query(`INSERT INTO tx_probe VALUES (1, 'outer')`);
      await ds
        .transaction(async (inner) => {
          await inner.query(`INSERT INTO tx_probe VALUES (2, 'inner')`);
          throw new Error('inner fails');
        })
        .catch(() => undefined);
      await ds.manager.transaction(async () => {
        await ds.query(`INSERT INTO tx_probe VALUES (3, 'inner ok')`);
      });
    });
    expect(await ds.query(`SELECT id FROM tx_probe ORDER BY id`)).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it('gives work that outlives its transaction a session of its own', async () => {
    let late!: Promise<unknown>;
    await ds.transaction(async (m) => {
      await m.query(`INSERT INTO tx_probe VALUES (1, 'committed')`);
      late = sleep(50).then(() => ds.query(`INSERT INTO tx_probe VALUES (2, 'after commit')`));
    });
    await late;
    expect(await count()).toBe(2);
  });
});
