import { EventEmitter } from 'node:events';
import { acquireDataDirLock } from './data-dir-lock';

type Callback = (err: Error | null, result?: unknown) => void;
type ConnectCallback = (err: Error | null, client: unknown, release: (err?: unknown) => void) => void;

interface InnerPool extends EventEmitter {
  connect(cb: ConnectCallback): Promise<void>;
  query(sql: string, params?: unknown, cb?: Callback): Promise<unknown>;
  end(cb: (err: Error | null) => void): void;
}

/** How long a caller waits for the single embedded connection before giving up with a clear error. */
const ACQUIRE_TIMEOUT_MS = 60_000;

/**
 * PGlite is one Postgres backend in this process: one session, one transaction at a time.
 * typeorm-pglite hands that same session to every TypeORM query runner at once, so a plain
 * statement issued while another request has a transaction open joins that transaction and is
 * rolled back with it. This pool behaves like node-postgres with `max: 1`: a query runner owns the
 * session from connect() until release(), and everyone else waits their turn.
 *
 * Consequence (the same as any pool of size one): code that, inside a transaction, queries through
 * the DataSource instead of the transaction's EntityManager waits for itself; the timeout below
 * turns that mistake into an error instead of a hang.
 */
export function serialPgliteDriver(dataDir: string): { Pool: new () => EventEmitter } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGliteDriver, getPGliteInstance } = require('typeorm-pglite') as typeof import('typeorm-pglite');
  const InnerPoolClass = new PGliteDriver({ dataDir }).driver.Pool as unknown as new () => InnerPool;

  class SerialPGlitePool extends EventEmitter {
    // One process per data directory: a second one would write to a copy the first never sees.
    private readonly releaseLock = acquireDataDirLock(dataDir);
    private readonly inner = new InnerPoolClass();
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

    connect(cb: ConnectCallback): void {
      this.acquire().then(
        (release) => {
          void this.inner.connect((err) => {
            if (err) {
              release();
              cb(err, null, () => undefined);
            } else {
              // The inner pool object is the session: its query() runs on the one PGlite instance.
              cb(null, this.inner, () => release());
            }
          });
        },
        (err: Error) => cb(err, null, () => undefined),
      );
    }

    /** Pool-level query (not used by TypeORM, kept for pg compatibility): one statement, then release. */
    async query(sql: string, params?: unknown, cb?: Callback): Promise<unknown> {
      const release = await this.acquire();
      try {
        return await this.inner.query(sql, params as unknown[] | undefined, cb);
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
        await (await getPGliteInstance()).refreshArrayTypes();
      } finally {
        release();
      }
    }

    end(cb: (err: Error | null) => void): void {
      this.inner.end((err) => {
        this.releaseLock();
        cb(err);
      });
    }
  }

  return { Pool: SerialPGlitePool };
}
