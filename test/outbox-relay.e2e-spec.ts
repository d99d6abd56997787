import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MetricsService } from '@zs/ops';
import { OutboxRelayRepository, OutboxRelayService } from '@zs/outbox';
import { adminDatabaseUrl, createTestDatabase, testRedisPrefix, type TestDatabase } from '@zs/testing';
import {
  type Handled,
  type OutboxContext,
  appendEvents,
  deliveries,
  outboxRows,
  recordingConsumer,
  sleep,
  startOutboxContext,
} from './support/outbox-context';

/** Ids handled per lead, in handling order, for one relay. */
function orderPerLead(handled: Handled[]): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  for (const h of handled) {
    if (!h.leadId) continue;
    out.set(h.leadId, [...(out.get(h.leadId) ?? []), BigInt(h.id)]);
  }
  return out;
}

describe('outbox relay', () => {
  let db: TestDatabase;
  const contexts: OutboxContext[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    await db.drop();
  });

  async function relay(name: string, sink: Handled[], behaviour?: Parameters<typeof recordingConsumer>[2], env: Record<string, string> = {}) {
    const ctx = await startOutboxContext({
      databaseUrl: db.url,
      redisPrefix: testRedisPrefix(),
      consumers: [recordingConsumer(name, sink, behaviour)],
      env: { OUTBOX_BATCH_SIZE: '20', ...env },
    });
    contexts.push(ctx);
    return ctx;
  }

  it('delivers committed events exactly once across two relays running at the same time', async () => {
    const sink: Handled[] = [];
    // Slow consumers keep each batch's transaction open long enough for the relays to overlap.
    const a = await relay('A', sink, () => sleep(2));
    const b = await relay('B', sink, () => sleep(2));
    const leads = Array.from({ length: 5 }, () => randomUUID());
    for (let tx = 0; tx < 3; tx++) {
      await appendEvents(a.app, Array.from({ length: 50 }, (_, i) => (i % 6 === 5 ? null : leads[i % 5])));
    }
    await appendEvents(a.app, [leads[0], leads[1]], { rollback: true });
    const rows = await outboxRows(a.app);
    expect(rows).toHaveLength(150); // the rolled-back transaction left no events

    const [ra, rb] = await Promise.all([
      a.app.get(OutboxRelayService).relayPending(),
      b.app.get(OutboxRelayService).relayPending(),
    ]);
    expect(ra.dispatched + rb.dispatched).toBe(150);
    // Two consumers (the built-in log consumer and the recording one), 150 deliveries each.
    expect(ra.delivered + rb.delivered).toBe(300);
    expect(ra.failed + rb.failed).toBe(0);

    // Every committed event reached a consumer once, and only once.
    expect(sink).toHaveLength(150);
    expect(new Set(sink.map((h) => h.eventId)).size).toBe(150);
    expect(new Set(sink.map((h) => h.eventId))).toEqual(new Set(rows.map((r) => r.eventId)));
    // Both relays really worked in parallel on disjoint batches.
    const byA = sink.filter((h) => h.app === 'A');
    const byB = sink.filter((h) => h.app === 'B');
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    // The events of a lead arrive in outbox order, within one relay and across both: a relay holds a
    // lead's event back while an earlier one is in the other relay's batch.
    for (const handled of [byA, byB, sink]) {
      for (const ids of orderPerLead(handled).values()) {
        expect(ids).toEqual([...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      }
    }
    expect((await outboxRows(a.app)).every((r) => r.published)).toBe(true);
    // Nothing is left for a later run.
    expect(await a.app.get(OutboxRelayService).relayPending()).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });
    expect(sink).toHaveLength(150);
  });

  it('retries an event whose consumer throws, holds back that lead, and undoes the failed attempt', async () => {
    const sink: Handled[] = [];
    const failOnce = new Set<string>();
    const failedAlready = new Set<string>();
    const ctx = await relay('A', sink, async (event, { manager }) => {
      // An idempotent effect keyed on the event id, written in the relay's transaction.
      await manager.query(`INSERT INTO consumer_effect (event_id) VALUES ($1) ON CONFLICT DO NOTHING`, [event.eventId]);
      if (failOnce.has(event.id) && !failedAlready.has(event.id)) {
        failedAlready.add(event.id);
        throw new Error('search engine unavailable');
      }
    });
    const ds = ctx.app.get(DataSource);
    await ds.query(`CREATE TABLE consumer_effect (event_id uuid PRIMARY KEY)`);
    const [l1, l2] = [randomUUID(), randomUUID()];
    await appendEvents(ctx.app, [l1, l1, l1, l2, null]);
    const rows = await outboxRows(ctx.app);
    const [l1a, l1b, l1c, l2a, none] = rows.map((r) => r.id);
    failOnce.add(l1b);

    const relayService = ctx.app.get(OutboxRelayService);
    expect(await relayService.dispatchPending()).toEqual({ dispatched: 5, consumers: expect.arrayContaining(['log', 'recording']) });
    const first = await relayService.deliverBatch('recording');
    // Not published yet: the log consumer has not had them.
    expect(first).toEqual({
      claimed: 5,
      delivered: [l1a, l2a, none],
      failed: [l1b],
      dead: [],
      deferred: [l1c],
      heldBack: [],
      skipped: [],
      published: [],
    });
    expect(await relayService.deliverBatch('log')).toMatchObject({ delivered: [l1a, l1b, l1c, l2a, none], published: [l1a, l2a, none] });
    expect((await outboxRows(ctx.app)).filter((r) => !r.published).map((r) => r.id)).toEqual([l1b, l1c]);
    // The failed attempt's write was rolled back with its savepoint; the others' writes committed.
    expect(await ds.query(`SELECT count(*)::int AS n FROM consumer_effect`)).toEqual([{ n: 3 }]);
    // The failure is recorded on this consumer's delivery only: one attempt, the error, a 5 s backoff.
    const [failure] = await ds.query(
      `SELECT attempts, last_error AS "lastError", dead_at AS "deadAt",
              extract(epoch FROM next_attempt_at - now())::float8 AS "dueIn"
         FROM outbox_delivery WHERE event_id = $1 AND consumer = 'recording'`,
      [l1b],
    );
    expect(failure).toMatchObject({ attempts: 1, deadAt: null });
    expect(failure.lastError).toBe('search engine unavailable');
    expect(failure.dueIn).toBeGreaterThan(3);
    expect(failure.dueIn).toBeLessThanOrEqual(5);
    expect((await deliveries(ctx.app, 'log')).every((d) => d.done && d.attempts === 0)).toBe(true);

    // Not due yet: neither l1b nor l1c behind it is claimed (ordering per lead across batches).
    expect((await relayService.deliverBatch('recording')).claimed).toBe(0);
    await ds.query(`UPDATE outbox_delivery SET next_attempt_at = now() - interval '1 second' WHERE event_id = $1`, [l1b]);

    const second = await relayService.deliverBatch('recording');
    expect(second).toMatchObject({ claimed: 2, delivered: [l1b, l1c], failed: [], published: [l1b, l1c] });
    expect((await outboxRows(ctx.app)).every((r) => r.published)).toBe(true);
    expect(await ds.query(`SELECT count(*)::int AS n FROM consumer_effect`)).toEqual([{ n: 5 }]);
    // At least once: the failed event reached the consumer twice, the others once.
    expect(sink.map((h) => h.id)).toEqual([l1a, l1b, l2a, none, l1b, l1c]);

    const metrics = await ctx.app.get(MetricsService).render();
    expect(metrics).toContain('zs_outbox_delivery_failures_total{consumer="recording"} 1');
    expect(metrics).toContain('zs_outbox_events_published_total{type="lead.updated"} 5');
    expect(metrics).toContain('zs_outbox_events_delivered_total{consumer="recording",type="lead.updated"} 5');
    expect(metrics).toContain('zs_outbox_events_delivered_total{consumer="log",type="lead.updated"} 5');
    expect(metrics).toContain('zs_outbox_events_consumed_total{type="lead.updated"} 5');
  });

  it('loses nothing when a relay dies mid-batch: its locks go, another relay delivers the events', async () => {
    const sinkA: Handled[] = [];
    const sinkB: Handled[] = [];
    let backendPid = 0;
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Effects keyed on eventId, written in the delivery's transaction: a double would violate the key.
    const effect = (event: { eventId: string }, manager: import('typeorm').EntityManager) =>
      manager.query(`INSERT INTO consumer_effect (event_id) VALUES ($1)`, [event.eventId]);
    const a = await relay('A', sinkA, async (event, { manager }) => {
      await effect(event, manager);
      if (backendPid === 0) {
        const [{ pid }] = await manager.query(`SELECT pg_backend_pid() AS pid`);
        backendPid = pid;
        holding();
        await gate;
      }
    });
    const b = await relay('B', sinkB, (event, { manager }) => effect(event, manager));
    await a.app.get(DataSource).query(`CREATE TABLE consumer_effect (event_id uuid PRIMARY KEY)`);
    await appendEvents(a.app, Array.from({ length: 5 }, () => randomUUID()));

    await a.app.get(OutboxRelayService).dispatchPending();
    const dying = a.app.get(OutboxRelayService).deliverBatch('recording');
    await held;
    // While A holds the batch, B skips it instead of delivering the same events.
    expect(await b.app.get(OutboxRelayService).deliverPending('recording')).toMatchObject({ delivered: 0, failed: 0 });
    expect(sinkB).toHaveLength(0);

    // "Crash": the database session of A goes away in the middle of its transaction.
    const admin = new Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_terminate_backend($1)`, [backendPid]);
    } finally {
      await admin.end();
    }
    release();
    await expect(dying).rejects.toThrow();
    expect((await outboxRows(b.app)).some((r) => r.published)).toBe(false);
    expect((await deliveries(b.app, 'recording')).some((d) => d.done || d.attempts > 0)).toBe(false);

    expect(await b.app.get(OutboxRelayService).relayPending()).toEqual({ dispatched: 0, delivered: 10, failed: 0, dead: 0 });
    expect(sinkB).toHaveLength(5);
    expect((await outboxRows(b.app)).every((r) => r.published)).toBe(true);
    // The event A was handling when it died was delivered again: at least once, never lost.
    expect(sinkB.map((h) => h.id)).toContain(sinkA[0].id);
    // …and its effect, rolled back with the dead session, exists exactly once per event.
    expect(await b.app.get(DataSource).query(`SELECT count(DISTINCT event_id)::int AS d, count(*)::int AS n FROM consumer_effect`)).toEqual([
      { d: 5, n: 5 },
    ]);
  });

  it('prunes only events every consumer is done with, older than the retention', async () => {
    const poison = new Set<string>();
    const ctx = await relay('A', [], async (event) => {
      if (poison.has(event.id)) throw new Error('down');
    });
    await appendEvents(ctx.app, [randomUUID(), randomUUID(), randomUUID(), randomUUID()]);
    const [old, recent, pending, stuck] = (await outboxRows(ctx.app)).map((r) => r.id);
    poison.add(stuck);
    const service = ctx.app.get(OutboxRelayService);
    await service.dispatchPending();
    await service.deliverPending('log');
    await service.deliverPending('recording');
    const ds = ctx.app.get(DataSource);
    // `pending` never reached any consumer; `stuck` reached the log consumer only.
    await ds.query(`UPDATE outbox_delivery SET done_at = NULL WHERE event_id = $1`, [pending]);
    await ds.query(`UPDATE outbox_event SET published_at = NULL WHERE id = $1`, [pending]);
    await ds.query(`UPDATE outbox_event SET published_at = now() - interval '10 days' WHERE id = $1`, [old]);
    await ds.query(`UPDATE outbox_event SET published_at = now() - interval '1 day' WHERE id = $1`, [recent]);
    await ds.query(`UPDATE outbox_event SET occurred_at = now() - interval '30 days' WHERE id = ANY($1::bigint[])`, [[pending, stuck]]);
    expect((await outboxRows(ctx.app)).map((r) => [r.id, r.published])).toEqual([
      [old, true],
      [recent, true],
      [pending, false],
      [stuck, false],
    ]);
    expect(await ctx.app.get(OutboxRelayRepository).prunePublished(7)).toBe(1);
    expect((await outboxRows(ctx.app)).map((r) => r.id)).toEqual([recent, pending, stuck]);
    // The pruned event's deliveries went with it; the others' stay.
    expect(await ds.query(`SELECT count(*)::int AS n FROM outbox_delivery WHERE event_id = $1`, [old])).toEqual([{ n: 0 }]);
    expect((await deliveries(ctx.app, 'recording')).map((d) => d.id)).toEqual([recent, pending, stuck]);
  });
});
