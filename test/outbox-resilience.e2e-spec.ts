import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig } from '@zs/config';
import { QueueFactory, QueueName } from '@zs/queue';
import { OUTBOX_SWEEP_SCHEDULER } from '@zs/outbox';
import { createTestDatabase, testRedisPrefix, testRedisUrl, type TestDatabase } from '@zs/testing';
import { deleteKeys } from '../libs/testing/src/global-teardown';
import { createWorkerApp } from '../apps/worker/src/bootstrap';
import {
  type Handled,
  type OutboxContext,
  appendEvents,
  deliveries,
  outboxRows,
  recordingConsumer,
  sleep,
  startOutboxContext,
  waitFor,
} from './support/outbox-context';
import { PrivateRedisServer, freePort } from './support/private-redis-server';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Commits `count` events one transaction at a time (light load) and returns commit→handled latency
 * in ms for each, as seen by `sink` (which must record Date.now() in `at`).
 */
async function commitToConsumer(ctx: OutboxContext, sink: (Handled & { at: number })[], count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const before = sink.length;
    await appendEvents(ctx.app, [randomUUID()]);
    const committed = Date.now();
    await waitFor('the event to reach the consumer', () => sink.length > before, 10_000);
    latencies.push(sink[before].at - committed);
    await sleep(20);
  }
  return latencies;
}

function timedConsumer(sink: (Handled & { at: number })[], name = 'timed') {
  return recordingConsumer('A', sink as Handled[], async () => {
    (sink[sink.length - 1] as Handled & { at: number }).at = Date.now();
  }, name);
}

describe('outbox resilience (BullMQ, real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  const contexts: OutboxContext[] = [];
  const prefixes: string[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    const redis = new Redis(testRedisUrl());
    for (const p of prefixes.splice(0)) await deleteKeys(redis, `${p}*`);
    redis.disconnect();
    await db.drop();
  });

  async function worker(consumers: Parameters<typeof startOutboxContext>[0]['consumers'], env: Record<string, string> = {}) {
    const prefix = testRedisPrefix();
    prefixes.push(prefix);
    const ctx = await startOutboxContext({
      databaseUrl: db.url,
      redisPrefix: prefix,
      consumers,
      processors: true,
      env: { OUTBOX_SWEEP_INTERVAL: '5s', ...env },
    });
    contexts.push(ctx);
    return ctx;
  }

  it('a consumer that always fails, and one that is slow, do not delay another consumer (woken on commit)', async () => {
    const fast: (Handled & { at: number })[] = [];
    const broken: Handled[] = [];
    const slow: Handled[] = [];
    const ctx = await worker([
      recordingConsumer('A', broken, async () => {
        throw new Error('search engine down');
      }, 'broken'),
      recordingConsumer('A', slow, () => sleep(2000), 'slow'),
      timedConsumer(fast),
    ]);
    // Registered and idle before the first commit.
    await waitFor('consumers registered', async () => (await ctx.app.get(DataSource).query(`SELECT 1 FROM outbox_consumer`)).length === 4);

    const latencies = await commitToConsumer(ctx, fast, 20);
    // Every event reached the healthy consumer, each once, while the slow one is still at its first
    // few and the broken one has failed on events and delivered none.
    expect(new Set(fast.map((h) => h.eventId)).size).toBe(20);
    expect(fast).toHaveLength(20);
    expect(slow.length).toBeLessThan(20);
    expect(broken.length).toBeGreaterThan(0);
    const brokenRows = await deliveries(ctx.app, 'broken');
    expect(brokenRows.some((d) => d.done)).toBe(false);
    expect(brokenRows.filter((d) => d.attempts > 0).length).toBeGreaterThan(0);
    // A delivery is marked done when its handler's transaction commits, just after the handler returned.
    await waitFor('healthy consumer done', async () => (await deliveries(ctx.app, 'timed')).every((d) => d.done));
    // No event is published while a consumer still owes it.
    expect((await outboxRows(ctx.app)).some((r) => r.published)).toBe(false);
    console.log(
      `commit→consumer latency (PostgreSQL, wake on commit, sweep every 5 s, a failing and a slow consumer beside it): ` +
        `n=${latencies.length} p50=${percentile(latencies, 50)} ms p95=${percentile(latencies, 95)} ms max=${Math.max(...latencies)} ms`,
    );
  });

  it('Redis killed and restarted EMPTY while leads are written: every write succeeds, every event arrives once, schedules are back', async () => {
    const redis = new PrivateRedisServer(await freePort());
    await redis.start();
    try {
      const sink: Handled[] = [];
      const ctx = await worker([recordingConsumer('A', sink)], { REDIS_URL: redis.url, OUTBOX_SWEEP_INTERVAL: '1s' });
      await appendEvents(ctx.app, [randomUUID()]);
      await waitFor('first delivery', () => sink.length === 1);

      await redis.kill();
      // Writes go on without Redis: the events are rows in PostgreSQL, the wake-ups are skipped.
      for (let i = 0; i < 10; i++) {
        const started = Date.now();
        await appendEvents(ctx.app, [randomUUID(), null]);
        expect(Date.now() - started).toBeLessThan(2000);
      }
      expect(await outboxRows(ctx.app)).toHaveLength(21);
      await sleep(500);

      await redis.start(); // empty: no schedules, no queues, no jobs
      await waitFor('every event delivered after Redis returned', () => sink.length >= 21, 30_000);
      await sleep(1500);
      expect(sink).toHaveLength(21);
      expect(new Set(sink.map((h) => h.eventId)).size).toBe(21);
      expect((await deliveries(ctx.app, 'recording')).every((d) => d.done)).toBe(true);
      // The sweep schedule was re-created in the empty Redis (once).
      const schedulers = await ctx.app.get(QueueFactory).queue(QueueName.Outbox).getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toEqual([OUTBOX_SWEEP_SCHEDULER]);
    } finally {
      await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
      await redis.kill();
    }
  });

  it('works in the zero-setup mode (PGlite): woken on commit, delivered, and measured', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zs-outbox-pglite-'));
    const prefix = testRedisPrefix();
    prefixes.push(prefix);
    const sink: (Handled & { at: number })[] = [];
    const ctx = await startOutboxContext({
      databaseUrl: '',
      redisPrefix: prefix,
      consumers: [timedConsumer(sink)],
      processors: true,
      env: { DATABASE_URL: '', DATA_DIR: dir, OUTBOX_SWEEP_INTERVAL: '5s' },
    });
    contexts.push(ctx);
    try {
      await ctx.app.get(DataSource).runMigrations({ transaction: 'each' });
      const latencies = await commitToConsumer(ctx, sink, 20);
      expect(new Set(sink.map((h) => h.eventId)).size).toBe(20);
      console.log(
        `commit→consumer latency (PGlite, wake on commit, sweep every 5 s): ` +
          `n=${latencies.length} p50=${percentile(latencies, 50)} ms p95=${percentile(latencies, 95)} ms max=${Math.max(...latencies)} ms`,
      );
    } finally {
      await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
      rmSync(dir, { recursive: true, force: true });
    }
    // PGlite migrates a fresh embedded database first: slow on a loaded 2-core machine.
  }, 120_000);
});

describe('worker readiness', () => {
  it('reports a relay whose sweep has not run for several intervals, and recovers', async () => {
    const db = await createTestDatabase();
    const prefix = testRedisPrefix();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      OUTBOX_SWEEP_INTERVAL: '1s',
    });
    const app = await createWorkerApp(config);
    try {
      await app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const ready = async () => {
        const res = await fetch(`${base}/ready`);
        return { status: res.status, body: (await res.json()) as { failed: string[]; checks: Record<string, { error?: string }> } };
      };
      await waitFor('ready', async () => (await ready()).status === 200);
      // Nobody runs the sweep any more (as when its schedule is gone and nothing re-creates it).
      const queue = app.get(QueueFactory).queue(QueueName.Outbox);
      await queue.pause();
      await waitFor('not ready', async () => (await ready()).status === 503, 15_000);
      const report = await ready();
      expect(report.body.failed).toEqual(['outbox-relay']);
      expect(report.body.checks['outbox-relay'].error).toMatch(/sweep has not run/);
      await queue.resume();
      await waitFor('ready again', async () => (await ready()).status === 200, 15_000);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/zs_outbox_lag_seconds\{consumer="\(dispatch\)"\} 0/);
      expect(metrics).toMatch(/zs_outbox_pending_deliveries\{consumer="log"\} 0/);
      expect(metrics).toMatch(/zs_queue_jobs\{queue="outbox",state="waiting"\} \d+/);
    } finally {
      await app.close();
      const redis = new Redis(testRedisUrl());
      await deleteKeys(redis, `${prefix}*`);
      redis.disconnect();
      await db.drop();
    }
  }, 60_000);
});
