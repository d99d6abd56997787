import { randomUUID } from 'node:crypto';
import { Injectable, type Type } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MetricsService } from '@zs/ops';
import { DomainEventType, OutboxRelayService, OutboxService, type OutboxBatchDelivery, type OutboxConsumer, type OutboxDelivery, type OutboxEvent } from '@zs/outbox';
import { adminDatabaseUrl, createTestDatabase, testRedisPrefix, type TestDatabase } from '@zs/testing';
import { type OutboxContext, appendEvents, deliveries, outboxRows, startOutboxContext } from './support/outbox-context';

interface Call {
  kind: 'batch' | 'one';
  ids: string[];
}

/**
 * A batch consumer whose effect is one row per event in `batch_effect` (primary key: a double
 * delivery that committed twice would fail), written through the delivery's transaction; it throws
 * when it meets an id of `poison`, after writing the rows before it (which must roll back).
 */
function batchConsumer(calls: Call[], poison: Set<string>, pause?: () => Promise<void>): Type<OutboxConsumer> {
  const apply = async (events: readonly OutboxEvent[], manager: OutboxDelivery['manager']) => {
    for (const e of events) {
      if (poison.has(e.id)) throw new Error(`poison ${e.id}`);
      await manager.query(`INSERT INTO batch_effect (event_id, lead_id, seq) VALUES ($1, $2, nextval('batch_seq'))`, [e.eventId, e.leadId]);
    }
  };
  @Injectable()
  class BatchConsumer implements OutboxConsumer {
    readonly name = 'batch';
    async handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
      calls.push({ kind: 'one', ids: [event.id] });
      await apply([event], delivery.manager);
    }
    async handleBatch(events: readonly OutboxEvent[], delivery: OutboxBatchDelivery): Promise<void> {
      calls.push({ kind: 'batch', ids: events.map((e) => e.id) });
      await apply(events, delivery.manager);
      await pause?.();
    }
  }
  return BatchConsumer;
}

describe('outbox batch delivery', () => {
  let db: TestDatabase;
  const contexts: OutboxContext[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    await db.drop();
  });

  async function relay(calls: Call[], poison: Set<string>, env: Record<string, string> = {}, pause?: () => Promise<void>) {
    const ctx = await startOutboxContext({
      databaseUrl: db.url,
      redisPrefix: testRedisPrefix(),
      consumers: [batchConsumer(calls, poison, pause)],
      env: { OUTBOX_BATCH_SIZE: '20', ...env },
    });
    contexts.push(ctx);
    await ctx.app
      .get(DataSource)
      .query(`CREATE TABLE IF NOT EXISTS batch_effect (event_id uuid PRIMARY KEY, lead_id uuid, seq bigint); CREATE SEQUENCE IF NOT EXISTS batch_seq`);
    return ctx;
  }

  const effects = (ctx: OutboxContext): Promise<{ eventId: string; leadId: string | null }[]> =>
    ctx.app.get(DataSource).query(`SELECT event_id AS "eventId", lead_id AS "leadId" FROM batch_effect ORDER BY seq`);

  it('hands a batch in one call, in id order; a poison event among good ones fails alone, the others are delivered once', async () => {
    const calls: Call[] = [];
    const poison = new Set<string>();
    const ctx = await relay(calls, poison, { OUTBOX_MAX_ATTEMPTS: '2' });
    const service = ctx.app.get(OutboxRelayService);
    const [l1, l2, l3] = [randomUUID(), randomUUID(), randomUUID()];
    await appendEvents(ctx.app, [l1, l2, l1, l3, null, l2]);
    const ids = (await outboxRows(ctx.app)).map((r) => r.id);
    const [l1a, l2a, l1b, l3a, none, l2b] = ids;

    // No poison: the whole batch is one call, in outbox order.
    await service.dispatchPending();
    expect(await service.deliverBatch('batch')).toMatchObject({ claimed: 6, delivered: ids, failed: [] });
    expect(calls).toEqual([{ kind: 'batch', ids }]);

    // Poison in the middle of the next batch: the batch is rolled back, then one by one.
    calls.length = 0;
    await appendEvents(ctx.app, [l1, l2, l1, l3]);
    const more = (await outboxRows(ctx.app)).map((r) => r.id).slice(6);
    const [m1a, m2a, m1b, m3a] = more;
    poison.add(m2a);
    await service.dispatchPending();
    expect(await service.deliverBatch('batch')).toEqual({
      claimed: 4,
      delivered: [m1a, m1b, m3a],
      failed: [m2a],
      dead: [],
      deferred: [],
      heldBack: [],
      skipped: [],
      published: [],
    });
    expect(calls).toEqual([{ kind: 'batch', ids: more }, ...more.map((id) => ({ kind: 'one', ids: [id] }))]);
    // The batch's partial writes (m1a before the poison) rolled back: every effect exists once.
    const rows = await outboxRows(ctx.app);
    const byId = new Map(rows.map((r) => [r.id, r.eventId]));
    expect((await effects(ctx)).map((e) => e.eventId)).toEqual([l1a, l2a, l1b, l3a, none, l2b, m1a, m1b, m3a].map((id) => byId.get(id)));
    expect((await deliveries(ctx.app, 'batch')).find((d) => d.id === m2a)).toMatchObject({ attempts: 1, done: false, dead: false });
    expect(await ctx.app.get(MetricsService).render()).toContain('zs_outbox_batch_fallbacks_total{consumer="batch"} 1');

    // The retry of the poison event goes alone, before the lead's later event; dead at its 2nd failure, it
    // no longer holds that event back, which follows in a batch.
    calls.length = 0;
    await appendEvents(ctx.app, [l2, l3]);
    const [n2, n3] = (await outboxRows(ctx.app)).map((r) => r.id).slice(10);
    await service.dispatchPending();
    await ctx.app.get(DataSource).query(`UPDATE outbox_delivery SET next_attempt_at = now() - interval '1 second' WHERE event_id = $1`, [m2a]);
    expect(await service.deliverBatch('batch')).toMatchObject({ claimed: 3, delivered: [n2, n3], failed: [m2a], dead: [m2a], deferred: [] });
    expect(calls).toEqual([
      { kind: 'one', ids: [m2a] },
      { kind: 'batch', ids: [n2, n3] },
    ]);
    expect(await service.deliverBatch('batch')).toMatchObject({ claimed: 0 });
  });

  it('keeps per-lead order: an event after a retried one in the same claim waits for it', async () => {
    const calls: Call[] = [];
    const poison = new Set<string>();
    const ctx = await relay(calls, poison);
    const service = ctx.app.get(OutboxRelayService);
    const [l1, l2] = [randomUUID(), randomUUID()];
    await appendEvents(ctx.app, [l1, l2]);
    const [a1, a2] = (await outboxRows(ctx.app)).map((r) => r.id);
    poison.add(a1);
    await service.dispatchPending();
    // Batch of two fails on a1; one by one: a1 fails (retrying), a2 goes.
    expect(await service.deliverBatch('batch')).toMatchObject({ delivered: [a2], failed: [a1] });
    poison.clear();
    await appendEvents(ctx.app, [l2, l1, l2, l1]);
    const [b2, b1, c2, c1] = (await outboxRows(ctx.app)).map((r) => r.id).slice(2);
    await service.dispatchPending();
    // a1 not due: l1's later events are not even claimed; l2's go as a batch.
    expect(await service.deliverBatch('batch')).toMatchObject({ claimed: 2, delivered: [b2, c2] });
    await ctx.app.get(DataSource).query(`UPDATE outbox_delivery SET next_attempt_at = now() - interval '1 second' WHERE event_id = $1`, [a1]);
    calls.length = 0;
    // Due: a1 first, alone (it failed before), then b1 and c1 after it, as a batch of the never-failed.
    expect(await service.deliverBatch('batch')).toMatchObject({ claimed: 3, delivered: [a1, b1, c1], failed: [] });
    expect(calls).toEqual([
      { kind: 'one', ids: [a1] },
      { kind: 'batch', ids: [b1, c1] },
    ]);
    const rows = await outboxRows(ctx.app);
    const byEvent = new Map(rows.map((r) => [r.eventId, BigInt(r.id)]));
    for (const lead of [l1, l2]) {
      const order = (await effects(ctx)).filter((e) => e.leadId === lead).map((e) => byEvent.get(e.eventId)!);
      expect(order).toEqual([...order].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    expect((await deliveries(ctx.app, 'batch')).every((d) => d.done)).toBe(true);
  });

  it('loses nothing when the relay dies in the middle of a batch: the batch rolls back, a restart delivers each event once', async () => {
    const calls: Call[] = [];
    let backendPid = 0;
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    // The first batch has written its effects when it stops; its session is then terminated.
    const a = await relay(calls, new Set(), {}, async () => {
      if (!first) return;
      first = false;
      holding();
      await gate;
    });
    const ds = a.app.get(DataSource);
    await appendEvents(a.app, Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? null : randomUUID())));
    await a.app.get(OutboxRelayService).dispatchPending();
    const ready = new Promise<void>((r) => {
      void held.then(async () => {
        // The batch's own session (the one holding the delivery locks).
        const [row] = await ds.query(
          `SELECT pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'outbox_delivery' AND l.mode = 'RowShareLock' AND pid <> pg_backend_pid() LIMIT 1`,
        );
        backendPid = row.pid;
        r();
      });
    });
    const dying = a.app.get(OutboxRelayService).deliverBatch('batch');
    await ready;
    const admin = new Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_terminate_backend($1)`, [backendPid]);
    } finally {
      await admin.end();
    }
    release();
    await expect(dying).rejects.toThrow();
    expect(calls).toEqual([{ kind: 'batch', ids: expect.any(Array) }]);
    expect(calls[0].ids).toHaveLength(12);
    // Nothing of the batch committed: no effect, no delivery done.
    expect(await effects(a)).toEqual([]);
    expect((await deliveries(a.app, 'batch')).some((d) => d.done || d.attempts > 0)).toBe(false);

    // "Restart": another relay process delivers every event exactly once.
    await a.close();
    contexts.splice(contexts.indexOf(a), 1);
    const b = await relay(calls, new Set());
    expect(await b.app.get(OutboxRelayService).relayPending()).toEqual({ dispatched: 0, delivered: 24, failed: 0, dead: 0 });
    const rows = await outboxRows(b.app);
    expect((await effects(b)).map((e) => e.eventId).sort()).toEqual(rows.map((r) => r.eventId).sort());
    expect(rows.every((r) => r.published)).toBe(true);
  });

  it('records several events with one statement (recordMany), ids in array order', async () => {
    const ctx = await relay([], new Set());
    const ds = ctx.app.get(DataSource);
    const leads = Array.from({ length: 50 }, (_, i) => (i % 7 === 6 ? null : randomUUID()));
    await ds.transaction((tx) =>
      ctx.app.get(OutboxService).recordMany(tx, 'system', leads.map((leadId, i) => ({ type: DomainEventType.LeadUpdated, leadId, payload: { seq: i } }))),
    );
    const rows: { leadId: string | null; payload: { seq: number }; actorKind: string }[] = await ds.query(
      `SELECT lead_id AS "leadId", payload, actor_kind AS "actorKind" FROM outbox_event ORDER BY id`,
    );
    expect(rows.map((r) => r.leadId)).toEqual(leads);
    expect(rows.map((r) => r.payload.seq)).toEqual(leads.map((_, i) => i));
    expect(rows.every((r) => r.actorKind === 'system')).toBe(true);
  });
});
