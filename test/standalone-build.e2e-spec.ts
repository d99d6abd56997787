import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildIfStale, fingerprint, isCurrent } = require('../scripts/build-if-stale.js') as {
  buildIfStale(root: string): boolean;
  fingerprint(root: string): string;
  isCurrent(root: string): boolean;
};

/** `npm start` and `npm run cli` run the built code, rebuilding only when a build input changed. */
describe('build only when stale (npm start, npm run cli)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'zs-build-'));
    mkdirSync(path.join(dir, 'apps/x'), { recursive: true });
    mkdirSync(path.join(dir, 'libs/y'), { recursive: true });
    writeFileSync(path.join(dir, 'apps/x/a.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(dir, 'libs/y/b.ts'), 'export const b = 1;\n');
    writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('notices an edit, an added and a removed source file, and nothing else', () => {
    const first = fingerprint(dir);
    expect(fingerprint(dir)).toBe(first);
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(dir, 'libs/y/b.ts'), later, later);
    const touched = fingerprint(dir);
    expect(touched).not.toBe(first);
    writeFileSync(path.join(dir, 'libs/y/c.ts'), 'export const c = 1;\n');
    const added = fingerprint(dir);
    expect(added).not.toBe(touched);
    unlinkSync(path.join(dir, 'libs/y/c.ts'));
    expect(fingerprint(dir)).toBe(touched);
    writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": {} }\n');
    expect(fingerprint(dir)).not.toBe(touched);
    // Never built: not current.
    expect(isCurrent(dir)).toBe(false);
  });

  it('skips the build of this repository when it is current, and the built CLI runs', () => {
    const root = path.resolve(__dirname, '..');
    buildIfStale(root); // builds if this checkout changed since the last build
    expect(isCurrent(root)).toBe(true);
    const started = Date.now();
    expect(buildIfStale(root)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    const cli = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'help'], { cwd: root, encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('Usage: npm run cli -- <command>');
  }, 180_000);
});
