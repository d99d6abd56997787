'use strict';
/**
 * GraphQL benchmark: the 100-lead page with nested units against a bare baseline, in one run.
 *
 *   npm run bench            (builds dist, then runs this file)
 *
 * 1. creates a PostgreSQL database of its own (zs_bench_<random>) and migrates it;
 * 2. starts the real api from dist (bench/api-server.js) on a loopback port, seeds the Xi'an org tree
 *    and fills BENCH_LEADS leads (default 1000) through createLead/assignLead over HTTP;
 * 3. records the SQL one `leads(first: 100)` request sends and starts the baseline
 *    (bench/baseline-server.js): the same statements served as JSON by a plain Node http handler;
 * 4. drives each with autocannon (warm-up, then BENCH_DURATION seconds, BENCH_CONNECTIONS connections);
 * 5. writes docs/benchmarks.md, stops both servers, drops the database and the Redis keys it used.
 *
 * Environment: BENCH_DATABASE_URL (admin connection, default TEST_DATABASE_URL or
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (default redis://127.0.0.1:6379),
 * BENCH_LEADS, BENCH_DURATION, BENCH_CONNECTIONS, BENCH_NO_WRITE=1 to leave docs/benchmarks.md alone.
 */
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { Client } = require('pg');
const { Redis } = require('ioredis');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const ADMIN_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const LEADS = Number(process.env.BENCH_LEADS || 1000);
const DURATION = Number(process.env.BENCH_DURATION || 10);
const WARMUP = Number(process.env.BENCH_WARMUP || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10);
const HARD_LIMIT_MS = Number(process.env.BENCH_TIMEOUT_MS || 10 * 60 * 1000);
const PASSWORD = 'bench-password-0123456789';

const PAGE_QUERY = `query Page { leads(first: 100) { edges { node { code title ownerUnit { name parent { name } } assignedUnits { name } industry { nameZh } } } totalCount } }`;

const OWNERS = ['610115-Z1', '610115-Z2', '610115', '610117-Z1', '610100-GX', '610116-Z1', '610113-Z1', '610100'];
const ASSIGN_TO = ['610114-Z1', '610118-Z1', '610122-Z1', '610124-Z1', '610100-JK', '610112-Z1'];
const INDUSTRIES = ['NEV', 'IC', 'BIOMEDICINE', 'NEW_MATERIALS', 'FOOD', 'SOFTWARE', 'AEROSPACE', 'PHOTONICS', 'AVIATION'];
const SCOPES = ['PRIVATE', 'DISTRICT', 'CITY', 'PUBLIC'];

const log = (...args) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** GB 32100-2015 check character, so the test investors carry valid 统一社会信用代码. */
function uscc(n) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const first17 = `91610100${String(n).padStart(9, '0')}`;
  let sum = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    sum += chars.indexOf(first17[i]) * w;
    w = (w * 3) % 31;
  }
  return first17 + chars[(31 - (sum % 31)) % 31];
}

/** Forks a child and resolves with it once it reports `ready`. */
function start(file, env, initMessage) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, file), [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each server, for finding where the time goes
      // BENCH_NODE_ARGS: more node flags for the servers (e.g. --trace-gc)
      execArgv: [
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean) : []),
      ],
    });
    const onExit = (code) => reject(new Error(`${file} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.on('message', (m) => {
      if (m.type === 'ready') {
        child.off('exit', onExit);
        resolve({ child, port: m.port });
      }
    });
    if (initMessage) child.send(initMessage);
  });
}

function request(child, message, reply) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m.type === reply) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    child.send(message);
  });
}

function stop(proc) {
  if (!proc || proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, 5000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      proc.send({ type: 'stop' });
    } catch {
      proc.kill('SIGTERM');
    }
  });
}

async function gql(port, query, variables, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors).slice(0, 400)}`);
  return body.data;
}

async function pMap(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

function cannon(url, opts) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

// CPU seconds (user + system) a process has used so far, from /proc: unlike req/s it hardly moves
// when other work competes for the cores, so it compares runs taken at different loads.
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return NaN;
  }
}

async function measure(name, url, headers, body, pid) {
  log(`${name}: warm-up ${WARMUP} s`);
  await cannon(url, { method: 'POST', headers, body, duration: WARMUP });
  log(`${name}: measuring ${DURATION} s with ${CONNECTIONS} connections`);
  const cpuBefore = cpuSeconds(pid);
  const r = await cannon(url, { method: 'POST', headers, body, duration: DURATION });
  const cpuMsPerRequest = ((cpuSeconds(pid) - cpuBefore) * 1000) / Math.max(r.requests.total, 1);
  const out = {
    name,
    reqPerSec: r.requests.average,
    requests: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    avgLatency: r.latency.average,
    throughputKBps: r.throughput.average / 1024,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    cpuMsPerRequest,
  };
  log(`${name}: ${out.reqPerSec.toFixed(1)} req/s, p50 ${out.p50} ms, p99 ${out.p99} ms, server CPU ${cpuMsPerRequest.toFixed(2)} ms/request, non-2xx ${out.non2xx}, errors ${out.errors}`);
  if (out.non2xx > 0 || out.errors > 0 || out.timeouts > 0) throw new Error(`${name}: failed requests during the measurement`);
  return out;
}

function writeReport(ctx) {
  const { gqlResult: g, baseResult: b, statements, pgVersion, startedAt, seconds, loadBefore, loadAfter } = ctx;
  const mem = (os.totalmem() / 1024 ** 3).toFixed(1);
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const f1 = (x) => x.toFixed(1);
  const md = `# Benchmarks

## GraphQL: the 100-lead page with nested units, against a bare baseline

Command: \`npm run bench\` (builds \`dist\`, then \`node bench/run.js\`; duration ${seconds.toFixed(0)} s in total).
Last run: ${startedAt.toISOString()}.

| target | req/s | latency p50 | latency p99 | avg latency | requests | server CPU per request |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| GraphQL api (\`POST /graphql\`, city user) | ${f1(g.reqPerSec)} | ${g.p50} ms | ${g.p99} ms | ${f1(g.avgLatency)} ms | ${g.requests} | ${g.cpuMsPerRequest.toFixed(2)} ms |
| bare baseline (same SQL, plain Node http → JSON) | ${f1(b.reqPerSec)} | ${b.p50} ms | ${b.p99} ms | ${f1(b.avgLatency)} ms | ${b.requests} | ${b.cpuMsPerRequest.toFixed(2)} ms |

**Ratio: the GraphQL api serves ${(g.reqPerSec / b.reqPerSec * 100).toFixed(0)} % of the baseline's requests per second
(baseline ÷ api = ${(b.reqPerSec / g.reqPerSec).toFixed(2)}×), p50 latency ${(g.p50 / Math.max(b.p50, 1)).toFixed(1)}× the baseline's.**

### What is measured
- The query, authenticated as a 西安市 (city) OFFICER, who sees every lead:
  \`\`\`graphql
  ${PAGE_QUERY}
  \`\`\`
- Data: ${LEADS} leads created through \`createLead\` over HTTP by officers of ${OWNERS.length} units (zones, districts,
  city-level zones, the city), all four sharing scopes, ${INDUSTRIES.length} industries, a third of them assigned by
  the city to a second unit; the seeded Xi'an org tree (${ctx.tiers.CITY} city, ${ctx.tiers.DISTRICT} districts/counties, ${ctx.tiers.ZONE} zones).
- GraphQL api: the built \`dist\` started through the same \`createApiApp\` bootstrap as production and the tests
  (\`NODE_ENV=production\`, \`LOG_LEVEL=warn\` so no access line per request), its own PostgreSQL database and Redis prefix.
- Baseline: a plain \`node:http\` handler, no Nest/Express/GraphQL. Per request it parses the JSON body, runs the
  ${statements} SQL statements the api sent for one such request (recorded text and parameters: the caller
  look-up, the page, the count and the DataLoader batches) in the api's order and concurrency — wave after wave,
  where a wave is the statements the api issued before any earlier one answered, run at once over a \`pg\` pool of
  the api's size (10) — and returns the rows as JSON. The ratio is therefore the cost of Nest, Apollo/GraphQL execution, resolvers,
  DataLoader scheduling and serialisation over the same database work.
- autocannon ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s measured for each target, one after the
  other on loopback (127.0.0.1); autocannon runs in the parent process, each server in its own child process.
  Every measured response was HTTP 200; the GraphQL answer was checked for 100 edges and no errors before and after.

### Machine
| | |
| --- | --- |
| CPUs (nproc) | ${os.cpus().length} × ${cpu} |
| memory | ${mem} GiB |
| OS | ${os.type()} ${os.release()} (${os.arch()}) |
| Node.js | ${process.version} |
| PostgreSQL | ${pgVersion} (127.0.0.1:5432, same machine) |
| load average (1 min) | ${loadBefore.toFixed(2)} before the run, ${loadAfter.toFixed(2)} after |

Everything (PostgreSQL, both servers, autocannon) shares the same cores, and a load average above the CPU count
means other work was competing during the run: absolute req/s then drop sharply; compare the ratio, and re-run on
an idle machine for absolute figures.
`;
  // Replace only this run's section; the other sections of the file (generator, scale runs) stay.
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const start = old.indexOf('## GraphQL: the 100-lead page');
  const rest = start < 0 ? '' : old.slice(start).split(/\n(?=## )/).slice(1).join('\n');
  fs.writeFileSync(file, rest ? `${md}\n${rest}` : md);
}

async function main() {
  const startedAt = new Date();
  const loadBefore = os.loadavg()[0];
  const dbName = `zs_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const redisPrefix = `zs-bench-${randomBytes(4).toString('hex')}`;
  const children = [];
  let dbCreated = false;
  const hardLimit = setTimeout(() => {
    console.error('[bench] hard time limit reached; cleaning up');
    cleanup().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  hardLimit.unref();

  async function cleanup() {
    for (const c of children) await stop(c);
    if (dbCreated && process.env.BENCH_KEEP_DB !== '1') {
      await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => console.error('[bench] drop failed', e.message));
      dbCreated = false;
    }
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    } catch (e) {
      console.error('[bench] redis cleanup failed', e.message);
    } finally {
      redis.disconnect();
    }
  }
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => cleanup().finally(() => process.exit(130)));

  try {
    if (!fs.existsSync(path.join(DIST, 'apps/api/src/bootstrap.js'))) throw new Error('dist is missing: run `npm run build` (npm run bench does)');
    const pgVersion = (await admin('SHOW server_version')).rows[0].server_version;
    log(`database ${dbName}`);
    await admin(`CREATE DATABASE ${dbName}`);
    dbCreated = true;
    const { DataSource } = require('typeorm');
    const { MIGRATIONS } = require(path.join(DIST, 'libs/database/src/migrations'));
    const ds = new DataSource({ type: 'postgres', url: dbUrl(dbName), migrations: MIGRATIONS, logging: ['error'] });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();

    const users = [
      { username: 'bench-city', password: PASSWORD, unitCode: '610100', role: 'OFFICER' },
      { username: 'bench-city-manager', password: PASSWORD, unitCode: '610100', role: 'MANAGER' },
      ...OWNERS.map((unitCode, i) => ({ username: `bench-owner-${i}`, password: PASSWORD, unitCode, role: 'OFFICER' })),
    ];
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl(dbName),
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PORT: '0',
      // The data is created through createLead by a few officers: the investor look-up limit is not measured here.
      LEAD_INVESTOR_PROBE_LIMIT: '1000000',
    };
    const api = await start('api-server.js', { ...env, BENCH_SEED_USERS: JSON.stringify(users) });
    children.push(api.child);
    log(`api on 127.0.0.1:${api.port}`);

    const tokens = {};
    for (const u of users) {
      const d = await gql(api.port, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: u.username, p: PASSWORD });
      tokens[u.username] = d.login.accessToken;
    }
    const units = (await gql(api.port, `{ orgUnits { id code tier } }`, {}, tokens['bench-city'])).orgUnits;
    const tiers = units.reduce((acc, u) => ({ ...acc, [u.tier]: (acc[u.tier] || 0) + 1 }), {});
    const unitId = Object.fromEntries(units.map((u) => [u.code, u.id]));

    log(`filling ${LEADS} leads`);
    const fillStart = Date.now();
    await pMap(
      Array.from({ length: LEADS }, (_, i) => i),
      8,
      async (i) => {
        const owner = i % OWNERS.length;
        const input = {
          title: `基准项目 ${i}`,
          summary: `基准测试线索 ${i}`,
          industryCode: INDUSTRIES[i % INDUSTRIES.length],
          capitalSourceCode: 'PRIVATE',
          attractionModeCodes: ['INDUSTRY_CHAIN'],
          investor: { name: `基准投资${i}号`, uscc: uscc(i + 1), countryOrRegion: '中国' },
          investmentAmount: `${1000 + i}.00`,
          expectedJobs: 50 + (i % 200),
          sharingScope: SCOPES[i % SCOPES.length],
          contacts: [{ name: `联系人${i}`, phone: '13800000000' }],
        };
        const d = await gql(api.port, `mutation($input: CreateLeadInput!) { createLead(input: $input) { id } }`, { input }, tokens[`bench-owner-${owner}`]);
        if (i % 3 === 0) {
          await gql(api.port, `mutation($id: ID!, $u: ID!) { assignLead(id: $id, unitId: $u) { id } }`, { id: d.createLead.id, u: unitId[ASSIGN_TO[i % ASSIGN_TO.length]] }, tokens['bench-city-manager']);
        }
      },
    );
    log(`filled in ${((Date.now() - fillStart) / 1000).toFixed(1)} s`);

    const token = tokens['bench-city'];
    const check = async () => {
      const d = await gql(api.port, PAGE_QUERY, {}, token);
      if (d.leads.edges.length !== 100 || d.leads.totalCount !== LEADS) {
        throw new Error(`unexpected page: ${d.leads.edges.length} edges, totalCount ${d.leads.totalCount}`);
      }
    };
    await check();
    await check(); // warm per-process caches before recording the statements

    await request(api.child, { type: 'capture-start' }, 'capture-started');
    await check();
    const { statements } = await request(api.child, { type: 'capture-stop' }, 'captured');
    const waves = new Set(statements.map((s) => s.wave)).size;
    log(`one page request sends ${statements.length} SQL statements in ${waves} dependent waves`);
    if (process.env.BENCH_DUMP_SQL) fs.writeFileSync(process.env.BENCH_DUMP_SQL, JSON.stringify(statements, null, 2));
    if (process.env.BENCH_KEEP_DB === '1') log(`keeping ${dbName} (BENCH_KEEP_DB)`);

    const body = JSON.stringify({ query: PAGE_QUERY });
    const gqlResult = await measure('graphql', `http://127.0.0.1:${api.port}/graphql`, { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body, api.child.pid);
    await check();
    await stop(api.child);

    const base = await start('baseline-server.js', { DATABASE_URL: dbUrl(dbName) }, { type: 'init', statements });
    children.push(base.child);
    const probe = await (await fetch(`http://127.0.0.1:${base.port}/`, { method: 'POST', body })).json();
    if (!Array.isArray(probe.data) || probe.data.length !== statements.length) throw new Error(`baseline failed: ${JSON.stringify(probe).slice(0, 300)}`);
    const baseResult = await measure('baseline', `http://127.0.0.1:${base.port}/`, { 'content-type': 'application/json' }, body, base.child.pid);
    await stop(base.child);

    const ctx = {
      gqlResult,
      baseResult,
      statements: statements.length,
      pgVersion,
      startedAt,
      seconds: (Date.now() - startedAt.getTime()) / 1000,
      loadBefore,
      loadAfter: os.loadavg()[0],
      tiers,
    };
    log(`ratio: api/baseline req/s = ${(gqlResult.reqPerSec / baseResult.reqPerSec).toFixed(3)}`);
    if (process.env.BENCH_NO_WRITE !== '1') {
      writeReport(ctx);
      log('wrote docs/benchmarks.md');
    }
  } finally {
    await cleanup();
    clearTimeout(hardLimit);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('[bench] failed:', err);
    process.exit(1);
  },
);
