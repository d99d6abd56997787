import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/** A second process on the same embedded database: refused, so no write of either can be lost. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
  ) {
    const who = pid === process.pid ? 'this process' : pid ? `process ${pid}` : 'another process';
    super(
      `The embedded database in ${dataDir} is locked by ${who}: PGlite allows one process at a time. ` +
        'Stop the running platform (`npm start`) before using the CLI on it, or, while it runs, manage users ' +
        'and API keys through the GraphQL admin operations.',
    );
  }
}

/** Lock files this process holds; a second opening inside the same process is refused as well. */
const held = new Set<string>();

export function dataDirLockFile(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the lock file; null when the file is gone, `undefined` when it is being written right now. */
function readHolder(file: string): number | null | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(pid) && pid > 0) return pid;
    // Empty: its creator is between open and write, unless it died there long ago.
    return Date.now() - statSync(file).mtimeMs < 5_000 ? undefined : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Who holds the data directory now (a live pid), or null; for a clear message before starting anything. */
export function dataDirHolder(dataDir: string): number | null {
  const file = dataDirLockFile(dataDir);
  if (held.has(file)) return process.pid;
  const pid = readHolder(file);
  if (pid === undefined) return -1;
  return pid !== null && pid !== process.pid && isAlive(pid) ? pid : null;
}

/**
 * Takes the embedded database's directory for this process (a pid file beside it, created
 * exclusively) and returns its release. A lock whose process is gone (killed, crashed) is taken over.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const file = dataDirLockFile(dataDir);
  if (held.has(file)) throw new DataDirLockedError(dataDir, process.pid);
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = readHolder(file);
      if (pid === undefined) throw new DataDirLockedError(dataDir, null);
      if (pid !== null && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dataDir, pid);
      // Stale (its process is gone): remove it and race for it again with exclusive create.
      try {
        unlinkSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(file);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.delete(file);
      try {
        if (readHolder(file) === process.pid) unlinkSync(file);
      } catch {
        // Already gone: nothing to release.
      }
    };
  }
  throw new DataDirLockedError(dataDir, null);
}
