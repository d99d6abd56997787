import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type DataSourceOptions, type EntityManager, type Migration, type QueryRunner } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import type { ReplicationMode } from 'typeorm/driver/types/ReplicationMode';

/** The transaction the current async call chain is inside; `open` turns false once it has ended. */
interface TransactionContext {
  readonly runner: QueryRunner;
  open: boolean;
}

const activeTransaction = new AsyncLocalStorage<TransactionContext>();

type Work<T> = (manager: EntityManager) => Promise<T>;

/** The active transaction's runner as seen by a borrower: everything passes through except release(). */
function borrowed(runner: QueryRunner): QueryRunner {
  return new Proxy(runner, {
    get(target, prop, receiver) {
      // The owner (transaction()) releases the runner; a borrower's release must not end the session.
      if (prop === 'release') return () => Promise.resolve();
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

/**
 * A DataSource whose transaction is the context of every query issued inside it, whoever issues it:
 * `dataSource.query`, `dataSource.manager`, injected repositories and query builders all obtain
 * their runner through createQueryRunner(), which, while a transaction is open in the current async
 * call chain, hands out that transaction's runner. Without this, such a read waits for the very
 * transaction that holds PGlite's one session (a hang), or on PostgreSQL silently takes a second
 * connection and reads outside the transaction's locks and uncommitted rows.
 * A transaction() inside a transaction becomes a savepoint of it (TypeORM's nesting).
 */
export class TransactionalDataSource extends DataSource {
  constructor(options: DataSourceOptions) {
    super(options);
  }

  /** True while the calling async chain is inside a transaction of this process. */
  static inTransaction(): boolean {
    const ctx = activeTransaction.getStore();
    return !!ctx?.open && !ctx.runner.isReleased;
  }

  override createQueryRunner(mode: ReplicationMode = 'master'): QueryRunner {
    const ctx = activeTransaction.getStore();
    if (ctx?.open && !ctx.runner.isReleased && ctx.runner.dataSource === this) return borrowed(ctx.runner);
    return super.createQueryRunner(mode);
  }

  override createEntityManager(queryRunner?: QueryRunner): EntityManager {
    const manager = super.createEntityManager(queryRunner);
    if (!queryRunner) {
      // The shared manager (dataSource.manager, @InjectEntityManager) starts transactions the same way.
      manager.transaction = ((a: IsolationLevel | Work<unknown>, b?: Work<unknown>) =>
        typeof a === 'function' ? this.runTransaction(undefined, a) : this.runTransaction(a, b!)) as EntityManager['transaction'];
    }
    return manager;
  }

  override transaction<T>(work: Work<T>): Promise<T>;
  override transaction<T>(isolationLevel: IsolationLevel, work: Work<T>): Promise<T>;
  override transaction<T>(a: IsolationLevel | Work<T>, b?: Work<T>): Promise<T> {
    return typeof a === 'function' ? this.runTransaction(undefined, a) : this.runTransaction(a, b!);
  }

  /** Migrations may create types; a driver that caches type information (PGlite) learns them at once. */
  override async runMigrations(options?: Parameters<DataSource['runMigrations']>[0]): Promise<Migration[]> {
    const ran = await super.runMigrations(options);
    if (ran.length > 0) await this.refreshTypes();
    return ran;
  }

  /** Re-reads the database's types where the driver caches them (the embedded PGlite); a no-op on PostgreSQL. */
  async refreshTypes(): Promise<void> {
    const pool = (this.driver as unknown as { master?: { refreshTypes?: () => Promise<void> } }).master;
    await pool?.refreshTypes?.();
  }

  private async runTransaction<T>(isolation: IsolationLevel | undefined, work: Work<T>): Promise<T> {
    // Inside a transaction this is the borrowed runner, and TypeORM turns the start into a SAVEPOINT.
    const runner = this.createQueryRunner();
    const ctx: TransactionContext = { runner, open: true };
    try {
      return await activeTransaction.run(ctx, () =>
        isolation ? runner.manager.transaction(isolation, work) : runner.manager.transaction(work),
      );
    } finally {
      // Work that outlives the transaction (a promise left running) must not reuse the released session.
      ctx.open = false;
      await runner.release();
    }
  }
}
