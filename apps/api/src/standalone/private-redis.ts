import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** Printed when REDIS_URL is unset and no redis-server can be found: exactly how to get one. */
export const NO_REDIS_MESSAGE = [
  'Redis is needed and none was found.',
  'REDIS_URL is not set and there is no `redis-server` on your PATH. Do one of:',
  '  - Debian/Ubuntu:  sudo apt-get install redis-server   (then run `npm start` again)',
  '  - macOS:          brew install redis                   (then run `npm start` again)',
  '  - or point the platform at a running Redis:  REDIS_URL=redis://host:6379 npm start',
].join('\n');

/** The `redis-server` executable on PATH, or null. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | null {
  const names = process.platform === 'win32' ? ['redis-server.exe'] : ['redis-server'];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export interface PrivateRedis {
  url: string;
  port: number;
  pid: number;
  dir: string;
  /** SIGTERM (Redis syncs its append-only file), then waits for the exit. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A redis-server left running by a starter that was killed (SIGKILL, power loss) still owns the
 * data directory; two servers must never write one append-only file. Stop it if it really is a
 * redis-server (checked through /proc where there is one).
 */
async function stopStale(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    let isRedis = true;
    try {
      isRedis = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
    } catch {
      // no /proc (macOS): trust the pid file Redis itself wrote
    }
    if (isRedis) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    }
  }
  rmSync(pidFile, { force: true });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function startOnce(binary: string, dir: string, port: number): Promise<PrivateRedis> {
  const pidFile = path.join(dir, 'redis-server.pid');
  const child = spawn(
    binary,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--protected-mode', 'yes',
      '--dir', dir,
      '--appendonly', 'yes',
      '--save', '',
      '--daemonize', 'no',
      '--pidfile', pidFile,
      '--maxmemory-policy', 'noeviction',
    ],
    // Own process group: Ctrl-C reaches the starter, which closes the app first and Redis last.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    const check = () => {
      if (/Ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('error', (err) => {
      output += `\n${err.message}`;
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${port}:\n${output.trim()}`);
  }
  // Stop reading its log once it runs; keep the pipes drained so it never blocks on a full pipe.
  child.stdout!.removeAllListeners('data').resume();
  child.stderr!.removeAllListeners('data').resume();

  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    dir,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', killOnExit);
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 10_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 2_000);
        }
      })();
      return stopping;
    },
  };
}

/**
 * Starts a redis-server of our own on a free 127.0.0.1 port with its data (append-only file) in
 * `dir`, for the zero-setup start. Retries on another port if the chosen one was taken meanwhile.
 */
export async function startPrivateRedis(binary: string, dir: string): Promise<PrivateRedis> {
  mkdirSync(dir, { recursive: true });
  await stopStale(path.join(dir, 'redis-server.pid'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, dir, await freePort());
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
