#!/usr/bin/env node
'use strict';
// `npm start` / `npm run cli` run the built code; this rebuilds first only when a source changed since
// the last successful build (a no-op tsc still costs seconds, a cold one half a minute).
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const INPUT_DIRS = ['apps', 'libs'];
// The console (apps/web) is built by the same `npm run build`: its sources and schema.graphql count too.
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'schema.graphql'];
const INPUT_EXTENSIONS = ['.ts', '.tsx', '.json', '.mjs', '.html'];
const OUTPUTS = ['dist/apps/api/src/standalone.js', 'dist/apps/api/src/main.js', 'dist/apps/cli/src/main.js', 'dist/apps/worker/src/main.js', 'dist/web/index.html'];
const STAMP = 'dist/.build-stamp';

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // The console's generated operation types are written by the build itself (from inputs counted here).
      if (entry.name !== 'node_modules' && !full.endsWith(path.join('apps', 'web', 'src', 'gql'))) walk(full, out);
    } else if (INPUT_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) out.push(full);
  }
}

/** Path, size and modification time of every build input: any edit, added or removed file changes it. */
function fingerprint(root) {
  const files = [];
  for (const d of INPUT_DIRS) if (existsSync(path.join(root, d))) walk(path.join(root, d), files);
  for (const f of INPUT_FILES) if (existsSync(path.join(root, f))) files.push(path.join(root, f));
  const hash = createHash('sha256');
  for (const f of files.sort()) {
    const s = statSync(f);
    hash.update(`${path.relative(root, f)}\t${s.size}\t${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function isCurrent(root, print = fingerprint(root)) {
  const stamp = path.join(root, STAMP);
  return OUTPUTS.every((o) => existsSync(path.join(root, o))) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === print;
}

/** Builds unless current; returns true when it built. Throws when the build fails (the stamp is left alone). */
function buildIfStale(root) {
  const print = fingerprint(root);
  if (isCurrent(root, print)) return false;
  // tsc trusts its .tsbuildinfo even when the emitted files were deleted: without outputs, start clean.
  if (!OUTPUTS.every((o) => existsSync(path.join(root, o)))) rmSync(path.join(root, 'dist/.tsbuildinfo'), { force: true });
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status ?? r.signal})`);
  // The fingerprint from before the build: a file edited during it makes the next run build again.
  writeFileSync(path.join(root, STAMP), `${print}\n`);
  return true;
}

module.exports = { fingerprint, isCurrent, buildIfStale };

if (require.main === module) {
  try {
    buildIfStale(path.resolve(__dirname, '..'));
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
