import { EventEmitter } from 'node:events';
import { acquireDataDirLock } from './data-dir-lock';

type Callback = (err: Error | null, result?: unknown) => void;
type ConnectCallback = (err: Error | null, client: unknown, release: (err?: unknown) => void) => void;
type PGliteModule = typeof import('@electric-sql/pglite');
type PGlite = InstanceType<PGliteModule['PGlite']>;

/** TypeORM sends booleans as JS values; PGlite's default serializer would send "true"/"false" text as-is. */
function boolSerializer(val: unknown): string {
  if (val === true || val === 'true' || val === 1) return 'TRUE';
  if (val === false || val === 'false' || val === 0) return 'FALSE';
  return String(val);
}

/** How long a caller waits for the single embedded connection before giving up with a clear error. */
const ACQUIRE_TIMEOUT_MS = 60_000;

/**
 * PGlite is one Postgres backend in this process: one session, one transaction at a time.
 * Handing that same session to every TypeORM query runner at once (what typeorm-pglite does) means a plain
 * statement issued while another request has a transaction open joins that transaction and is
 * rolled back with it. This pool behaves like node-postgres with `max: 1`: a query runner owns the
 * session from connect() until release(), and everyone else waits their turn.
 *
 * Consequence (the same as any pool of size one): a query taking a second runner while its own
 * transaction holds the session waits for itself. TransactionalDataSource routes every query issued
 * inside a transaction into it; the timeout below turns any other such wait into an error, not a hang.
 */
export function serialPgliteDriver(dataDir: string): { Pool: new () => EventEmitter } {
  // Loaded lazily so production never touches the WASM build. Each pool opens its own PGlite on its own
  // directory (typeorm-pglite keeps one per process, so a second data source silently shared the first's).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite, types } = require('@electric-sql/pglite') as PGliteModule;

  class SerialPGlitePool extends EventEmitter {
    // One process per data directory: a second one would write to a copy the first never sees.
    private readonly releaseLock = acquireDataDirLock(dataDir);
    private db: Promise<PGlite> | undefined;
    /** What TypeORM receives as its client (it listens for 'error' on it): statements run on this pool's PGlite. */
    private readonly session = Object.assign(new EventEmitter(), {
      query: (sql: string, params?: unknown, cb?: Callback) => this.run(sql, params, cb),
    });
    private busy = false;
    private readonly waiting: Array<{ grant: () => void }> = [];

    private acquire(): Promise<() => void> {
      return new Promise((resolve, reject) => {
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          const next = this.waiting.shift();
          if (next) next.grant();
          else this.busy = false;
        };
        if (!this.busy) {
          this.busy = true;
          resolve(release);
          return;
        }
        const entry = {
          grant: () => {
            clearTimeout(timer);
            resolve(release);
          },
        };
        const timer = setTimeout(() => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(
            new Error(
              `The embedded PostgreSQL (PGlite) session stayed busy for ${ACQUIRE_TIMEOUT_MS / 1000}s; ` +
                'is a query running outside the transaction that holds it?',
            ),
          );
        }, ACQUIRE_TIMEOUT_MS);
        timer.unref();
        this.waiting.push(entry);
      });
    }

    private instance(): Promise<PGlite> {
      this.db ??= PGlite.create({ dataDir, serializers: { [types.BOOL]: boolSerializer } });
      return this.db;
    }

    /** node-postgres' query(sql, params?, cb?): with parameters one extended-protocol statement, else a script. */
    private async run(sql: string, params?: unknown, cb?: Callback): Promise<unknown> {
      if (typeof params === 'function') {
        cb = params as Callback;
        params = undefined;
      }
      try {
        const db = await this.instance();
        const result =
          Array.isArray(params) && params.length > 0
            ? await db.query(sql, params)
            : // TypeORM expects the last statement's result from a multi-statement string.
              ((await db.exec(sql)).at(-1) ?? { rows: [] });
        cb?.(null, result);
        return result;
      } catch (err) {
        cb?.(err as Error);
        throw err;
      }
    }

    connect(cb: ConnectCallback): void {
      this.acquire().then(
        (release) => {
          this.instance().then(
            () => cb(null, this.session, () => release()),
            (err: Error) => {
              release();
              cb(err, null, () => undefined);
            },
          );
        },
        (err: Error) => cb(err, null, () => undefined),
      );
    }

    /** Pool-level query (not used by TypeORM, kept for pg compatibility): one statement, then release. */
    async query(sql: string, params?: unknown, cb?: Callback): Promise<unknown> {
      const release = await this.acquire();
      try {
        return await this.run(sql, params, cb);
      } finally {
        release();
      }
    }

    /**
     * PGlite learns the array types (their parsers and serializers) once, when it opens; an array of a
     * type created later (the migrations' enums, e.g. code_kind[]) is then sent as "A,B" ("malformed
     * array literal") and read back unparsed until the next start. Called after schema changes.
     */
    async refreshTypes(): Promise<void> {
      const release = await this.acquire();
      try {
        await (await this.instance()).refreshArrayTypes();
      } finally {
        release();
      }
    }

    end(cb: (err: Error | null) => void): void {
      const db = this.db;
      this.db = undefined;
      Promise.resolve(db ? db.then((d) => d.close()) : undefined).then(
        () => {
          this.releaseLock();
          cb(null);
        },
        (err: Error) => {
          this.releaseLock();
          cb(err);
        },
      );
    }
  }

  return { Pool: SerialPGlitePool };
}
