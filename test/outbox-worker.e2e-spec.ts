import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig } from '@zs/config';
import { JobName, QueueFactory, QueueName } from '@zs/queue';
import { OUTBOX_PRUNE_SCHEDULER, OUTBOX_SWEEP_SCHEDULER } from '@zs/outbox';
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

async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** The relay driven by BullMQ for real: repeatable sweep, prune job, prefix, shutdown. */
describe('outbox worker (BullMQ)', () => {
  let db: TestDatabase;
  let prefix: string;
  let redis: Redis;
  const contexts: OutboxContext[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    prefix = testRedisPrefix();
    redis = new Redis(testRedisUrl());
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    await deleteKeys(redis, `${prefix}*`);
    redis.disconnect();
    await db.drop();
  });

  async function worker(name: string, sink: Handled[], behaviour?: Parameters<typeof recordingConsumer>[2]) {
    const ctx = await startOutboxContext({
      databaseUrl: db.url,
      redisPrefix: prefix,
      consumers: [recordingConsumer(name, sink, behaviour)],
      processors: true,
      env: { OUTBOX_SWEEP_INTERVAL: '1s' },
    });
    contexts.push(ctx);
    return ctx;
  }

  it('sweeps committed events to the consumers, with every key under REDIS_PREFIX and one schedule per id', async () => {
    const sink: Handled[] = [];
    const a = await worker('A', sink);
    const b = await worker('B', sink);
    await appendEvents(a.app, Array.from({ length: 30 }, () => randomUUID()));
    await waitFor('the sweep to publish 30 events', async () => (await outboxRows(a.app)).every((r) => r.published));
    await sleep(1500); // another sweep or two: nothing may be delivered again
    expect(sink).toHaveLength(30);
    expect(new Set(sink.map((h) => h.eventId)).size).toBe(30);

    // Two processes upserted the same fixed scheduler ids: one schedule each.
    const schedulers = await a.app.get(QueueFactory).queue(QueueName.Outbox).getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual([OUTBOX_SWEEP_SCHEDULER]);
    expect(schedulers[0].every).toBe(1000);
    const maintenance = await b.app.get(QueueFactory).queue(QueueName.Maintenance).getJobSchedulers();
    expect(maintenance.map((s) => s.key)).toEqual([OUTBOX_PRUNE_SCHEDULER]);

    // BullMQ's keys live under the prefix, none under BullMQ's default "bull".
    expect(await keysMatching(redis, `${prefix}:${QueueName.Outbox}:*`)).not.toHaveLength(0);
    expect(await keysMatching(redis, `${prefix}:${QueueName.Maintenance}:*`)).not.toHaveLength(0);
    expect(await keysMatching(redis, `bull:${QueueName.Outbox}:*`)).toHaveLength(0);
  });

  it('runs an OutboxPrune job from the maintenance queue', async () => {
    const a = await worker('A', []);
    await appendEvents(a.app, [randomUUID(), randomUUID()]);
    await waitFor('publication', async () => (await outboxRows(a.app)).every((r) => r.published));
    const [old, recent] = (await outboxRows(a.app)).map((r) => r.id);
    await a.app.get(DataSource).query(`UPDATE outbox_event SET published_at = now() - interval '30 days' WHERE id = $1`, [old]);

    await a.app.get(QueueFactory).queue(QueueName.Maintenance).add(JobName.OutboxPrune, { olderThanDays: 7 });
    await waitFor('the prune job', async () => (await outboxRows(a.app)).length === 1);
    expect((await outboxRows(a.app)).map((r) => r.id)).toEqual([recent]);
  });

  it('finishes the job in progress before shutting down', async () => {
    const sink: Handled[] = [];
    let started!: () => void;
    const inProgress = new Promise<void>((r) => (started = r));
    const a = await worker('A', sink, async () => {
      started();
      await sleep(1500);
    });
    await appendEvents(a.app, [randomUUID()]);
    await inProgress;
    await a.close(); // what SIGTERM does through Nest's shutdown hooks
    contexts.splice(contexts.indexOf(a), 1);

    // The event was delivered and the delivery committed before the workers closed (the log
    // consumer's own delivery may still be pending: shutdown takes no new work).
    const check = await startOutboxContext({ databaseUrl: db.url, redisPrefix: prefix, consumers: [] });
    contexts.push(check);
    expect((await deliveries(check.app, 'recording')).map((d) => d.done)).toEqual([true]);
    expect(sink).toHaveLength(1);
  });
});

describe('worker application', () => {
  it('serves /health, /ready and /metrics on its own port', async () => {
    const db = await createTestDatabase();
    const prefix = testRedisPrefix();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
    });
    const app = await createWorkerApp(config);
    try {
      await app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('# TYPE zs_outbox_events_published_total counter');
      expect(metrics).toContain('# TYPE zs_outbox_events_consumed_total counter');
      // The worker serves no GraphQL and no IDE.
      expect((await fetch(`${base}/ide`)).status).toBe(404);
    } finally {
      await app.close();
      const redis = new Redis(testRedisUrl());
      await deleteKeys(redis, `${prefix}*`);
      redis.disconnect();
      await db.drop();
    }
  });
});
