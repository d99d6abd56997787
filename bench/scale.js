'use strict';
/**
 * Lists and figures at scale: GraphQL p50/p95 at 1k / 10k / 100k leads beside the same SQL replayed
 * by a bare node-postgres client, in one run.
 *
 *   npm run bench:scale      (builds dist, then runs this file)
 *
 * Per size: a fresh database (migrated; the api seeds the Xi'an org tree and two officers, 西安市 and
 * 临潼现代工业组团), bench/generate-leads.js inserts the leads and ANALYZEs, the built api runs in
 * production mode (bench/api-server.js). Each query is sent BENCH_SCALE_WARMUP times, then the SQL of one
 * request is recorded (text, parameters and the api's waves of concurrency), then it is timed
 * BENCH_SCALE_N times through GraphQL, one request at a time, and the recorded SQL replayed as many times
 * by a bare `pg` pool, wave after wave. Writes its own section of docs/benchmarks.md.
 *
 * Environment: BENCH_SCALE_SIZES (default 1000,10000,100000), BENCH_SCALE_N (default 40),
 * BENCH_SCALE_WARMUP (default 5), BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_NO_WRITE=1.
 */
const { fork } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client, Pool } = require('pg');
const { Redis } = require('ioredis');
const { generateLeads } = require('./generate-leads');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const ADMIN_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const SIZES = (process.env.BENCH_SCALE_SIZES || '1000,10000,100000').split(',').map(Number);
const N = Number(process.env.BENCH_SCALE_N || 40);
const WARMUP = Number(process.env.BENCH_SCALE_WARMUP || 5);
const PASSWORD = 'bench-password-0123456789';
const USERS = [
  { key: 'city', username: 'scale-city', unitCode: '610100', label: '西安市 (city)' },
  { key: 'zone', username: 'scale-zone', unitCode: '610115-Z1', label: '临潼现代工业组团 (zone)' },
];
const NODE = `id code title stage ownerUnit { name } assignedUnits { name } industry { nameZh }`;
const QUERIES = [
  { key: 'page', label: '`leads(first: 20)` without `totalCount`', query: `{ leads(first: 20) { edges { node { ${NODE} } } pageInfo { hasNextPage endCursor } } }`, target: 30 },
  { key: 'pageTotal', label: '`leads(first: 20) { totalCount … }`', query: `{ leads(first: 20) { edges { node { ${NODE} } } totalCount } }`, target: 80 },
  {
    key: 'filtered',
    label: '`leads` filtered (stage + industry + amount), with `totalCount`',
    query: `{ leads(first: 20, filter: { stages: [NEGOTIATING, SIGNED], industryCodes: ["NEV", "IC"], investmentMin: "1000" }) { edges { node { ${NODE} } } totalCount } }`,
    target: 80,
  },
  {
    key: 'detail',
    label: '`lead(id)` with units, history, activities',
    query: `query($id: ID!) { lead(id: $id) { ${NODE} history { action changes { field newValue } } activities(first: 10) { totalCount edges { node { summary } } } } }`,
    target: 30,
  },
  { key: 'statsDistrict', label: '`leadStats(groupBy: DISTRICT)`', query: `{ leadStats(year: 2026, groupBy: DISTRICT) { unit { name } newLeads signed signedInvestment expectedJobs } }`, target: 100 },
  { key: 'statsZone', label: '`leadStats(groupBy: ZONE)`', query: `{ leadStats(year: 2026, groupBy: ZONE) { unit { name } newLeads signed signedInvestment expectedJobs } }`, target: 100 },
  {
    key: 'create',
    label: '`createLead`',
    query: `mutation($input: CreateLeadInput!) { createLead(input: $input) { id code } }`,
    target: 60,
  },
];

const log = (...a) => console.log(`[scale ${new Date().toISOString().slice(11, 19)}]`, ...a);
const dbUrl = (name) => Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();
async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}
function startApi(env) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'api-server.js'), [], { env: { ...process.env, ...env }, serialization: 'advanced' });
    const onExit = (c) => reject(new Error(`api exited with ${c}`));
    child.once('exit', onExit);
    child.on('message', (m) => m.type === 'ready' && (child.off('exit', onExit), resolve({ child, port: m.port })));
  });
}
const ask = (child, type, reply) =>
  new Promise((resolve) => {
    const on = (m) => m.type === reply && (child.off('message', on), resolve(m));
    child.on('message', on);
    child.send({ type });
  });
function stop(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => (child.kill('SIGKILL'), resolve()), 5000);
    child.once('exit', () => (clearTimeout(t), resolve()));
    child.send({ type: 'stop' });
  });
}
async function gql(port, query, variables, token) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (res.status !== 200 || body.errors) throw new Error(`${query.slice(0, 60)}…: ${res.status} ${JSON.stringify(body.errors).slice(0, 400)}`);
  return body.data;
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
async function timed(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { p50: pct(out, 50), p95: pct(out, 95) };
}

/** Replays recorded statements wave after wave; a transaction's statements go to one checked-out client. */
async function replay(pool, statements, rewrite) {
  const waves = [];
  for (const s of statements) (waves[s.wave ?? 0] ??= []).push(s);
  let tx = null;
  for (const wave of waves.filter(Boolean)) {
    const run = (s) => {
      const values = rewrite ? s.values.map(rewrite) : s.values;
      return (tx ?? pool).query(s.text, values);
    };
    if (/^\s*(START TRANSACTION|BEGIN)/i.test(wave[0].text)) tx = await pool.connect();
    if (tx) {
      for (const s of wave) await run(s);
      if (/^\s*(COMMIT|ROLLBACK)/i.test(wave[wave.length - 1].text)) {
        tx.release();
        tx = null;
      }
    } else await Promise.all(wave.map(run));
  }
  if (tx) tx.release();
}

let createSeq = 0;
function createInput() {
  const i = ++createSeq;
  return {
    title: `规模基准项目 ${i}`,
    industryCode: 'NEV',
    capitalSourceCode: 'PRIVATE',
    attractionModeCodes: ['INDUSTRY_CHAIN'],
    investor: { name: `规模基准投资${Date.now()}${i}有限公司`, countryOrRegion: '中国' },
    investmentAmount: '1000.00',
    sharingScope: 'DISTRICT',
  };
}

async function runSize(size) {
  const dbName = `zs_scale_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const prefix = `zs-scale-${randomBytes(4).toString('hex')}`;
  let api = null;
  let pool = null;
  await admin(`CREATE DATABASE ${dbName}`);
  try {
    const { DataSource } = require('typeorm');
    const { MIGRATIONS } = require(path.join(DIST, 'libs/database/src/migrations'));
    const ds = new DataSource({ type: 'postgres', url: dbUrl(dbName), migrations: MIGRATIONS, logging: ['error'] });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    api = await startApi({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl(dbName),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PORT: '0',
      // The data is created through createLead by a few officers: the investor look-up limit is not measured here.
      LEAD_INVESTOR_PROBE_LIMIT: '1000000',
      BENCH_SEED_USERS: JSON.stringify(USERS.map((u) => ({ username: u.username, password: PASSWORD, unitCode: u.unitCode, role: 'OFFICER' }))),
    });
    const c = new Client({ connectionString: dbUrl(dbName) });
    await c.connect();
    const gen = await generateLeads(c, { count: size, seed: 1 });
    log(`${size}: generated in ${(gen.ms / 1000).toFixed(1)} s`);
    // A zone-owned lead with history and activities, visible to both users.
    const detailId = (
      await c.query(
        `SELECT l.id FROM lead l JOIN org_unit o ON o.id = l.owner_unit_id WHERE o.code = '610115-Z1'
          AND EXISTS (SELECT 1 FROM lead_activity a WHERE a.lead_id = l.id) ORDER BY l.created_at DESC LIMIT 1`,
      )
    ).rows[0]?.id;
    await c.end();
    pool = new Pool({ connectionString: dbUrl(dbName), max: 10 });
    const tokens = {};
    for (const u of USERS) tokens[u.key] = (await gql(api.port, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: u.username, p: PASSWORD })).login.accessToken;

    const rows = {};
    for (const q of QUERIES) {
      for (const u of USERS) {
        const vars = () => (q.key === 'detail' ? { id: detailId } : q.key === 'create' ? { input: createInput() } : {});
        const send = () => gql(api.port, q.query, vars(), tokens[u.key]);
        for (let i = 0; i < WARMUP; i++) await send();
        await ask(api.child, 'capture-start', 'capture-started');
        const data = await send();
        const { statements } = await ask(api.child, 'capture-stop', 'captured');
        const g = await timed(N, send);
        // createLead inserts: each replay gets a fresh lead id and code, or the insert would collide.
        const made = q.key === 'create' ? data.createLead : null;
        const b = await timed(N, async () => {
          const id = randomUUID();
          const code = made ? `${made.code}-${++createSeq}` : null;
          await replay(pool, statements, made ? (v) => (v === made.id ? id : v === made.code ? code : v) : null);
        });
        rows[`${q.key}:${u.key}`] = { gql: g, bare: b, statements: statements.length, waves: new Set(statements.map((s) => s.wave)).size };
        log(`${size} ${q.key} ${u.key}: api p50 ${g.p50.toFixed(1)} p95 ${g.p95.toFixed(1)} ms | bare p50 ${b.p50.toFixed(1)} p95 ${b.p95.toFixed(1)} ms (${statements.length} statements)`);
      }
    }
    return rows;
  } finally {
    if (pool) await pool.end();
    await stop(api?.child);
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => console.error('drop failed', e.message));
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}

function report(results, ctx) {
  const f = (x) => x.toFixed(1);
  const head = `| query | user | ${SIZES.map((s) => `${s / 1000}k p50 / p95`).join(' | ')} | bare SQL at ${SIZES[SIZES.length - 1] / 1000}k p50 / p95 | target p95 | met |`;
  const sep = `| --- | --- | ${SIZES.map(() => '---:').join(' | ')} | ---: | ---: | :---: |`;
  const last = results[SIZES[SIZES.length - 1]];
  const lines = [];
  for (const q of QUERIES) {
    for (const u of USERS) {
      const k = `${q.key}:${u.key}`;
      const cells = SIZES.map((s) => `${f(results[s][k].gql.p50)} / ${f(results[s][k].gql.p95)} ms`);
      const met = last[k].gql.p95 <= q.target ? 'yes' : 'no';
      lines.push(`| ${q.label} | ${u.key} | ${cells.join(' | ')} | ${f(last[k].bare.p50)} / ${f(last[k].bare.p95)} ms (${last[k].statements} stmts, ${last[k].waves} waves) | ${q.target} ms | ${met} |`);
    }
  }
  return `## Lists and figures at scale: GraphQL p50/p95 beside the bare SQL

Command: \`npm run bench:scale\` (builds \`dist\`, then \`node bench/scale.js\`; sizes ${SIZES.join(', ')}; ${ctx.seconds.toFixed(0)} s in total).
Last run: ${ctx.startedAt.toISOString()}.

${head}
${sep}
${lines.join('\n')}

- Data per size: a fresh database, \`bench/generate-leads.js\` (seed 1), then \`ANALYZE\`; the api (built \`dist\`,
  \`NODE_ENV=production\`, \`LOG_LEVEL=warn\`) seeded the org tree. Users: OFFICERs of ${USERS.map((u) => u.label).join(' and ')}.
- Each query: ${WARMUP} warm-up requests, then the SQL of one request recorded (text, parameters, and the waves in
  which the api ran them concurrently), then ${N} timed requests one at a time through \`POST /graphql\` (\`fetch\`, wall
  clock per request), then the recorded SQL replayed ${N} times by a bare \`pg\` pool of 10 in the same waves (a
  transaction's statements on one client). \`createLead\` creates a new lead per request (no USCC); its replay
  substitutes a fresh lead id and code.
- \`lead(id)\`: the newest 临潼现代工业组团 lead with activities, visible to both users. Stats: year 2026.
- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB, ${os.type()} ${os.release()},
  Node.js ${process.version}, PostgreSQL ${ctx.pgVersion} on the same machine; load average (1 min) ${ctx.loadBefore.toFixed(2)} before,
  ${ctx.loadAfter.toFixed(2)} after (other sessions share the 2 cores; above 2 the figures are inflated).
`;
}

async function main() {
  const startedAt = new Date();
  const loadBefore = os.loadavg()[0];
  if (!fs.existsSync(path.join(DIST, 'apps/api/src/bootstrap.js'))) throw new Error('dist is missing: run `npm run build`');
  const pgVersion = (await admin('SHOW server_version')).rows[0].server_version;
  const results = {};
  for (const size of SIZES) results[size] = await runSize(size);
  const md = report(results, { startedAt, seconds: (Date.now() - startedAt.getTime()) / 1000, pgVersion, loadBefore, loadAfter: os.loadavg()[0] });
  console.log(md);
  if (process.env.BENCH_NO_WRITE !== '1') {
    const file = path.join(ROOT, 'docs', 'benchmarks.md');
    const old = fs.readFileSync(file, 'utf8');
    const title = '## Lists and figures at scale: GraphQL p50/p95';
    const at = old.indexOf(title);
    let next;
    if (at < 0) next = `${old.trimEnd()}\n\n${md}`;
    else {
      const after = old.slice(at).split(/\n(?=## )/).slice(1).join('\n');
      next = `${old.slice(0, at)}${md}${after ? `\n${after}` : ''}`;
    }
    fs.writeFileSync(file, next);
    log('wrote docs/benchmarks.md');
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error('[scale] failed:', e);
    process.exit(1);
  },
);
