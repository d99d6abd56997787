import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '@zs/config';
import { dataDirLockFile } from '@zs/database';
import { cli, seedXian, startEmbeddedTestApp, type TestApp } from './support/harness';
import { StartupError, startPlatform } from '../apps/api/src/standalone/platform';

/** One process per embedded database: a second one is refused clearly and writes nothing. */
describe('embedded database lock (DATA_DIR)', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'zs-lock-'));
    dirs.push(d);
    return d;
  };
  const configFor = (dir: string) => loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATA_DIR: dir });
  const pgliteLock = (dir: string) => dataDirLockFile(path.join(dir, 'pglite'));
  /** A live process that is not us, standing in for a running `npm start`. */
  const otherProcess = () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    return child.pid!;
  };

  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = tempDir();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(pgliteLock(dir), `${dead.pid}\n`);
    const r = await cli(configFor(dir), 'migrate');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // Released again when the command ended.
    expect(existsSync(pgliteLock(dir))).toBe(false);
  }, 60_000);

  it('refuses a CLI command and `npm start` while another process holds the directory', async () => {
    const dir = tempDir();
    const pid = otherProcess();
    writeFileSync(pgliteLock(dir), `${pid}\n`);
    const started = Date.now();
    const r = await cli(configFor(dir), 'migrate');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`locked by process ${pid}`);
    expect(r.err).toContain('npm start');
    expect(r.err).toContain('GraphQL');
    expect(Date.now() - started).toBeLessThan(10_000); // no half minute of connection retries
    // Nothing was opened: no database files next to the lock, and the holder's lock is untouched.
    expect(existsSync(path.join(dir, 'pglite'))).toBe(false);
    expect(readFileSync(pgliteLock(dir), 'utf8').trim()).toBe(String(pid));

    const err = await startPlatform({ env: { PATH: process.env.PATH, DATA_DIR: dir, NODE_ENV: 'development', PORT: '0' } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toContain(`locked by process ${pid}`);
    expect(existsSync(path.join(dir, 'redis'))).toBe(false); // refused before starting anything
  }, 60_000);

  describe('while a platform holds the directory', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startEmbeddedTestApp();
      await seedXian(t.app);
    }, 120_000);
    afterAll(() => t?.close());

    it('fails a CLI write clearly and loses nothing', async () => {
      const r = await cli(t.config, 'users:create', '--username', 'cliuser', '--password', 'a-long-password-1', '--unit', '610100', '--role', 'VIEWER');
      expect(r.code).toBe(1);
      expect(r.err).toContain('is locked by this process');
      expect(r.out).toBe('');
      // The running platform is unharmed and never got a half-written user.
      const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM app_user WHERE username = 'cliuser'`);
      expect(n).toBe(0);
      const health = await fetch(`${t.baseUrl}/ready`);
      expect(health.status).toBe(200);
    }, 60_000);
  });
});
