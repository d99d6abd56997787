'use strict';
/**
 * Child process of bench/run.js: the real api (the built `dist`, the same bootstrap as production
 * and the tests) on a loopback port. On request it records the SQL statements (text and
 * parameters) that one GraphQL request sends and which of them the api ran concurrently, so the
 * baseline can replay exactly those in the same order.
 */
require('reflect-metadata');
const path = require('node:path');
const { Client } = require('pg');

const dist = path.join(__dirname, '..', 'dist');
let captured = null;
// Statements issued before any earlier one has answered run concurrently in the api (one wave);
// a statement issued after an answer depends on it. The baseline replays waves in order.
let wave = 0;
let answeredSinceIssue = false;
const answered = () => {
  answeredSinceIssue = true;
};
const originalQuery = Client.prototype.query;
Client.prototype.query = function query(...args) {
  if (!captured) return originalQuery.apply(this, args);
  const q = args[0];
  const text = typeof q === 'string' ? q : q && q.text;
  const values = typeof q === 'string' ? args[1] : q && q.values;
  if (typeof text === 'string') {
    if (answeredSinceIssue) wave++;
    answeredSinceIssue = false;
    captured.push({ text, values: Array.isArray(values) ? values : [], wave });
  }
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const cb = args[last];
    args[last] = (...r) => {
      answered();
      return cb(...r);
    };
    return originalQuery.apply(this, args);
  }
  const out = originalQuery.apply(this, args);
  if (out && typeof out.then === 'function') out.then(answered, answered);
  return out;
};

async function main() {
  const { loadConfig } = require(path.join(dist, 'libs/config/src'));
  const { createApiApp } = require(path.join(dist, 'apps/api/src/bootstrap'));
  const { OrgUnitService } = require(path.join(dist, 'libs/org/src'));
  const { UserService } = require(path.join(dist, 'libs/identity/src'));

  const app = await createApiApp(loadConfig(process.env), { shutdownHooks: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();

  if (process.env.BENCH_SEED_USERS) {
    await app.get(OrgUnitService).seedXian();
    for (const u of JSON.parse(process.env.BENCH_SEED_USERS)) await app.get(UserService).create(u);
  }

  process.on('message', (m) => {
    if (m.type === 'capture-start') {
      captured = [];
      wave = 0;
      answeredSinceIssue = false;
      process.send({ type: 'capture-started' });
    } else if (m.type === 'capture-stop') {
      const statements = captured;
      captured = null;
      process.send({ type: 'captured', statements });
    } else if (m.type === 'stop') {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
