'use strict';
/**
 * Notification fan-out: 10,000 domain events through the outbox relay, the `notifications` consumer
 * (stage 1: recipients from the visibility rule, chunks) and stage 2 (inbox rows), beside a BullMQ
 * no-op job baseline in the same run, same Redis, same process.
 *
 *   npm run bench:notifications      (builds dist, then runs this file)
 *
 * Setup: a fresh database (migrated), the Xi'an org seeded, BENCH_NOTIFY_USERS_PER_UNIT users in every
 * unit (one MANAGER, the rest OFFICERs), 2,000 generated leads (bench/generate-leads.js), half shared
 * DISTRICT and half CITY. The pipeline (api and worker modules: relay, consumers, planner, stage 2)
 * runs in this process, as `npm start` runs them; the writer runs in a child process of its own
 * (bench/notify-writer.js: OutboxService.record in transactions, the relay woken on commit, as
 * domain code does), so its commits do not compete with the pipeline for this event loop.
 *
 * 1. Throughput: BENCH_NOTIFY_EVENTS `lead.shared` events (PRIVATE → the lead's scope) committed in
 *    transactions of 100 as fast as the writer can; timed from the writer's first transaction until
 *    every event is delivered to the consumer and every planned chunk is in the inboxes → events/s,
 *    notifications/s.
 * 2. Latency under light load: BENCH_NOTIFY_LATENCY events, one transaction each, 50 ms apart;
 *    commit → inbox = the commit's return in the writer to the last inbox row of the event (its insert
 *    transaction's start time; one machine, one clock) → p50/p95.
 * 3. Baseline: as many BullMQ no-op jobs, added in bulks of 100, one worker of the same concurrency as
 *    stage 2 → jobs/s; and add → processed latency of single jobs at the same pace.
 *
 * Environment: BENCH_NOTIFY_WRITER (bulk: one INSERT of 100 events per transaction, OutboxService.recordMany,
 * so the writer does not bound what is measured; rows: one INSERT per event), BENCH_NOTIFY_EVENTS (10000), BENCH_NOTIFY_LATENCY (200), BENCH_NOTIFY_USERS_PER_UNIT (4),
 * BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_NO_WRITE=1 (do not touch docs/benchmarks.md).
 */
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');
const { Client } = require('pg');
const { Redis } = require('ioredis');
const { generateLeads } = require('./generate-leads');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const d = (rel) => require(path.join(DIST, rel));
const ADMIN_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const EVENTS = Number(process.env.BENCH_NOTIFY_EVENTS || 10000);
const LATENCY = Number(process.env.BENCH_NOTIFY_LATENCY || 200);
const PER_UNIT = Number(process.env.BENCH_NOTIFY_USERS_PER_UNIT || 4);
/** `bulk`: the writer commits each transaction's 100 events with one INSERT (as the baseline adds 100 jobs per addBulk); `rows`: one INSERT per event. */
const WRITER = process.env.BENCH_NOTIFY_WRITER === 'rows' ? 'rows' : 'bulk';
const STAGE2_CONCURRENCY = 4; // NotificationProcessor's worker on QueueName.Notifications

const log = (...a) => console.log(`[notify ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dbUrl = (name) => Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

async function settled(c, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await c.query(
      `SELECT (SELECT count(*)::int FROM outbox_event e WHERE NOT EXISTS (SELECT 1 FROM outbox_delivery d
                WHERE d.event_id = e.id AND d.consumer = 'notifications' AND (d.done_at IS NOT NULL OR d.dead_at IS NOT NULL))) AS events,
              (SELECT count(*)::int FROM notification_fanout WHERE done_at IS NULL) AS chunks`,
    );
    if (r.rows[0].events + r.rows[0].chunks === 0) return;
    await sleep(50);
  }
  throw new Error('notifications did not settle');
}

/** The writer process (bench/notify-writer.js) and a way to ask it to record events. */
async function startWriter(env) {
  const child = fork(path.join(__dirname, 'notify-writer.js'), [], { env: { ...process.env, ...env }, stdio: 'inherit' });
  const next = () =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`the writer exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m);
      });
    });
  await next();
  return {
    share: (leads, perTx, pauseMs = 0, bulk = false) => {
      const answer = next();
      child.send({ cmd: 'share', leads, perTx, pauseMs, bulk });
      return answer;
    },
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ cmd: 'exit' });
      }),
  };
}

async function main() {
  const dbName = `bench_notify_${randomBytes(4).toString('hex')}`;
  const prefix = `bench-notify-${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${dbName}`);
  const { DataSource } = require('typeorm');
  const { MIGRATIONS } = d('libs/database/src/migrations');
  const ds = new DataSource({ type: 'postgres', url: dbUrl(dbName), migrations: MIGRATIONS, logging: ['error'] });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();

  const { loadConfig } = d('libs/config/src');
  const { createApiApp } = d('apps/api/src/bootstrap');
  const { QueueModule, QueueFactory } = d('libs/queue/src');
  const { OutboxWorkerModule } = d('libs/outbox/src');
  const { NotificationsConsumer, NotificationsWorkerModule } = d('libs/notifications/src');
  const { OrgUnitService } = d('libs/org/src');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: dbUrl(dbName),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01',
  });
  const app = await createApiApp(config, {
    imports: [QueueModule, OutboxWorkerModule.forRoot({ consumers: [NotificationsConsumer], imports: [NotificationsWorkerModule] })],
    shutdownHooks: false,
  });
  await app.init();
  const c = new Client({ connectionString: dbUrl(dbName) });
  await c.connect();
  const result = {};
  try {
    await app.get(OrgUnitService).seedXian();
    await c.query(
      `INSERT INTO app_user (username, username_canonical, display_name, password_hash, unit_id, role)
       SELECT 'u' || ou.code || '-' || i, lower('u' || ou.code || '-' || i), '用户' || i, 'x', ou.id,
              (CASE WHEN i = 1 THEN 'MANAGER' ELSE 'OFFICER' END)::user_role
         FROM org_unit ou CROSS JOIN generate_series(1, $1) AS i`,
      [PER_UNIT],
    );
    const units = (await c.query(`SELECT count(*)::int AS n FROM org_unit`)).rows[0].n;
    const users = (await c.query(`SELECT count(*)::int AS n FROM app_user`)).rows[0].n;
    await generateLeads(c, { count: 2000, seed: 9 });
    await c.query(`UPDATE lead SET sharing_scope = (CASE WHEN hashtext(id::text) % 2 = 0 THEN 'DISTRICT' ELSE 'CITY' END)::sharing_scope`);
    const leads = (await c.query(`SELECT l.id, l.sharing_scope AS scope FROM lead l ORDER BY l.id`)).rows;
    log(`${units} units, ${users} users, ${leads.length} leads`);
    result.setup = { units, users, leads: leads.length, perUnit: PER_UNIT };

    const writer = await startWriter({ WRITER_DATABASE_URL: dbUrl(dbName), WRITER_REDIS_URL: REDIS_URL, WRITER_REDIS_PREFIX: prefix });
    try {
      // Warm-up: a few events through the whole path.
      await writer.share(leads.slice(0, 20), 20);
      await settled(c);
      const base = (await c.query(`SELECT count(*)::int AS n FROM notification`)).rows[0].n;

      // 1. Throughput.
      log(`throughput: ${EVENTS} events in transactions of 100 (writer process, ${WRITER} inserts)`);
      const w = await writer.share(
        Array.from({ length: EVENTS }, (_, i) => leads[i % leads.length]),
        100,
        0,
        WRITER === 'bulk',
      );
      const t0 = w.startedAt;
      const committed = w.finishedAt - t0;
      await settled(c);
      const elapsed = Date.now() - t0;
      const notifications = (await c.query(`SELECT count(*)::int AS n FROM notification`)).rows[0].n - base;
      const chunks = (await c.query(`SELECT count(*)::int AS n FROM notification_fanout WHERE seq >= 0`)).rows[0].n;
      const phases = (
        await c.query(
          `SELECT (extract(epoch FROM (SELECT max(done_at) FROM outbox_delivery WHERE consumer = 'notifications')) * 1000)::float8 AS stage1,
                  (extract(epoch FROM (SELECT max(done_at) FROM notification_fanout)) * 1000)::float8 AS stage2,
                  (extract(epoch FROM (SELECT max(done_at) FROM outbox_delivery WHERE consumer = 'log')) * 1000)::float8 AS logDone`,
        )
      ).rows[0];
      result.throughput = {
        writer: WRITER,
        events: EVENTS,
        commitMs: committed,
        elapsedMs: elapsed,
        eventsPerSec: Math.round((EVENTS / elapsed) * 1000),
        notifications,
        notificationsPerSec: Math.round((notifications / elapsed) * 1000),
        stage2Jobs: chunks,
        perEvent: +(notifications / EVENTS).toFixed(1),
        stage1DoneMs: Math.round(phases.stage1 - t0),
        stage2DoneMs: Math.round(phases.stage2 - t0),
        logConsumerDoneMs: Math.round(phases.logdone - t0),
      };
      log(result.throughput);

      // 2. Commit → inbox under light load.
      log(`latency: ${LATENCY} events, one per transaction, 50 ms apart`);
      const l = await writer.share(
        Array.from({ length: LATENCY }, (_, i) => leads[(i * 7) % leads.length]),
        1,
        50,
      );
      const commits = new Map(l.commits);
      await settled(c);
      const rows = (
        await c.query(
          `SELECT event_id, (extract(epoch FROM max(created_at)) * 1000)::float8 AS last_ms FROM notification
            WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
          [[...commits.keys()]],
        )
      ).rows;
      const lat = rows.map((r) => r.last_ms - commits.get(r.event_id));
      result.latency = { events: rows.length, p50: Math.round(pct(lat, 50)), p95: Math.round(pct(lat, 95)), max: Math.round(Math.max(...lat)) };
      log(result.latency);
    } finally {
      await writer.close();
    }

    // 3. BullMQ no-op baseline, same Redis, same process.
    const { Queue, Worker } = require('bullmq');
    const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
    const q = new Queue('bench-noop', { connection, prefix });
    let done = 0;
    const seen = new Map();
    const w = new Worker(
      'bench-noop',
      async (job) => {
        if (job.data.t) seen.set(job.id, Date.now() - job.data.t);
      },
      { connection, prefix, concurrency: STAGE2_CONCURRENCY },
    );
    w.on('completed', () => done++);
    await w.waitUntilReady();
    const b0 = Date.now();
    for (let i = 0; i < EVENTS; i += 100) {
      await q.addBulk(Array.from({ length: Math.min(100, EVENTS - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true } })));
    }
    while (done < EVENTS) await sleep(20);
    const bElapsed = Date.now() - b0;
    for (let i = 0; i < LATENCY; i++) {
      await q.add('noop', { t: Date.now() }, { removeOnComplete: true });
      await sleep(50);
    }
    while (seen.size < LATENCY) await sleep(20);
    const bl = [...seen.values()];
    result.baseline = {
      jobs: EVENTS,
      elapsedMs: bElapsed,
      jobsPerSec: Math.round((EVENTS / bElapsed) * 1000),
      latencyP50: pct(bl, 50),
      latencyP95: pct(bl, 95),
    };
    log(result.baseline);
    await w.close();
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
    result.ratio = +(result.throughput.eventsPerSec / result.baseline.jobsPerSec).toFixed(2);
    result.stage2Ratio = +((result.throughput.stage2Jobs / (result.throughput.elapsedMs / 1000)) / result.baseline.jobsPerSec).toFixed(2);
  } finally {
    await c.end();
    await app.close();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    const r = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
    r.disconnect();
  }
  console.log(JSON.stringify(result, null, 2));
  if (process.env.BENCH_NO_WRITE !== '1') writeDocs(result);
}

function writeDocs(r) {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  const start = '<!-- bench:notifications -->';
  const end = '<!-- /bench:notifications -->';
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const t = r.throughput;
  const section = `${start}
## Notifications: fan-out of ${t.events.toLocaleString('en')} events beside a BullMQ no-op baseline

\`npm run bench:notifications\` (bench/notifications.js), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}; PostgreSQL and
Redis on the same machine; the pipeline (relay, consumers, planner, stage 2) in one process as \`npm start\`
runs it, the writer in a process of its own (bench/notify-writer.js), so its commits do not share the
pipeline's event loop.
Data: the seeded Xi'an organisation (${r.setup.units} units) with ${r.setup.perUnit} users per unit (${r.setup.users} users),
${r.setup.leads} generated leads, half shared DISTRICT and half CITY; every event is \`lead.shared\` (PRIVATE → the
lead's scope), so it reaches the owner's district subtree or the city and the zones of the lead's industry.

| | value |
| --- | --- |
| events fanned out | ${t.events} (committed in ${t.commitMs} ms by the writer process, transactions of 100, ${t.writer === 'bulk' ? 'one INSERT each' : 'one INSERT per event'}) |
| notifications written | ${t.notifications} (${t.perEvent} per event), in ${t.stage2Jobs} planned chunks (up to 25 per stage-2 job) |
| **events/s** (first commit → last inbox row) | **${t.eventsPerSec}** |
| **notifications/s** | **${t.notificationsPerSec}** |
| BullMQ no-op jobs/s (same Redis, concurrency ${STAGE2_CONCURRENCY}, bulks of 100) | ${r.baseline.jobsPerSec} |
| fan-out events/s ÷ no-op jobs/s (target ≥ 0.3) | **${r.ratio}** |
| planned chunks/s ÷ no-op jobs/s | ${r.stage2Ratio} |
| timeline from the writer's first transaction: last commit / log consumer done / notifications consumer done / all delivered (stage 2) | ${t.commitMs} / ${t.logConsumerDoneMs} / ${t.stage1DoneMs} / ${t.stage2DoneMs} ms |
| commit → inbox, light load (${r.latency.events} events, one per transaction, 50 ms apart): p50 / p95 / max | **${r.latency.p50} / ${r.latency.p95} / ${r.latency.max} ms** (target p95 < 1 s) |
| BullMQ no-op add → processed at the same pace: p50 / p95 | ${r.baseline.latencyP50} / ${r.baseline.latencyP95} ms |

Commit → inbox is measured from the commit's return in the writer to the \`created_at\` of the event's last
inbox row (the start of the stage-2 transaction that wrote it); it includes the wake-up of the relay, the
dispatch, the consumer's delivery transaction, the planner (stage 1) and the stage-2 job.
${end}`;
  let text = fs.readFileSync(file, 'utf8');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + section + text.slice(j + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, text);
  log(`wrote ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
