'use strict';
/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement one `createLead` sends, for docs/benchmarks.md.
 *
 *   npm run build && DATABASE_URL=postgres://…/db node bench/explain-create.js [label] [--all]
 *
 * Starts the built api (bench/api-server.js) on the given migrated, seeded database, creates a zone
 * officer, records the statements of one createLead through GraphQL, then replays them in one
 * transaction on a separate client, each prefixed with EXPLAIN ANALYZE, and rolls back. Prints each
 * statement's execution time; `--all` prints the full plans as well.
 */
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { Client } = require('pg');
const { uscc, rng } = require('./generate-leads');

const label = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'run';
const full = process.argv.includes('--all');

function startApi(env) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'api-server.js'), [], { env: { ...process.env, ...env }, serialization: 'advanced' });
    child.once('exit', (c) => reject(new Error(`api exited with ${c}`)));
    child.on('message', (m) => m.type === 'ready' && resolve({ child, port: m.port }));
  });
}
const ask = (child, type, reply) =>
  new Promise((resolve) => {
    const on = (m) => m.type === reply && (child.off('message', on), resolve(m));
    child.on('message', on);
    child.send({ type });
  });
async function gql(port, query, variables, token) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 400));
  return body.data;
}

(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const username = `explain-${randomBytes(3).toString('hex')}`;
  const password = 'explain-password-0123456789';
  const { child, port } = await startApi({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_PREFIX: `zs-explain-${randomBytes(3).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: '0',
    BENCH_SEED_USERS: JSON.stringify([{ username, password, unitCode: '610115-Z1', role: 'OFFICER' }]),
  });
  try {
    const token = (await gql(port, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: username, p: password })).login.accessToken;
    const n = 900000000 + Math.floor(Math.random() * 99999999);
    const input = (i) => ({
      title: `EXPLAIN 项目 ${i}`,
      industryCode: 'NEV',
      capitalSourceCode: 'PRIVATE',
      attractionModeCodes: ['INDUSTRY_CHAIN'],
      investor: { name: `解释投资${i}有限公司`, uscc: uscc(rng(i), '610115'), countryOrRegion: '中国' },
      investmentAmount: '1000.00',
      sharingScope: 'DISTRICT',
    });
    const create = (i) => gql(port, `mutation($input: CreateLeadInput!) { createLead(input: $input) { id code } }`, { input: input(i) }, token);
    await create(n); // warm per-process caches
    await ask(child, 'capture-start', 'capture-started');
    const made = (await create(n + 1)).createLead;
    const { statements } = await ask(child, 'capture-stop', 'captured');
    const replayId = require('node:crypto').randomUUID();

    const c = new Client({ connectionString: url });
    await c.connect();
    await c.query('BEGIN');
    let total = 0;
    console.log(`### ${label}: createLead sends ${statements.length} statements`);
    for (const [i, s] of statements.entries()) {
      const head = s.text.replace(/\s+/g, ' ').trim();
      if (/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(head)) {
        console.log(`${i + 1}. ${head}`);
        continue;
      }
      // The replayed lead gets another id/code so the api's committed row does not collide.
      const values = s.values.map((v) => (v === made.id ? replayId : v === made.code ? `${v}-R` : v));
      let plan;
      try {
        plan = (await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, values)).rows.map((r) => r['QUERY PLAN']);
      } catch (e) {
        console.log(`${i + 1}. ${head.slice(0, 160)}\n   (not replayable: ${e.message})`);
        await c.query('ROLLBACK');
        await c.query('BEGIN');
        continue;
      }
      const ms = Number(/Execution Time: ([\d.]+)/.exec(plan.join('\n'))?.[1] ?? 0);
      total += ms;
      console.log(`${i + 1}. ${ms.toFixed(3)} ms  ${head.slice(0, 160)}`);
      if (full || ms > 1) console.log(plan.map((l) => `     ${l}`).join('\n'));
    }
    await c.query('ROLLBACK');
    await c.end();
    console.log(`total execution ${total.toFixed(1)} ms`);
  } finally {
    child.removeAllListeners('exit');
    child.send({ type: 'stop' });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
