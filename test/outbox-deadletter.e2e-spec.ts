import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsService } from '@zs/ops';
import { OutboxRelayRepository, OutboxRelayService } from '@zs/outbox';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from '@zs/testing';
import {
  type Handled,
  type OutboxContext,
  appendEvents,
  outboxRows,
  recordingConsumer,
  startOutboxContext,
} from './support/outbox-context';

interface Attempts {
  attempts: number;
  lastError: string | null;
  dead: boolean;
  /** Seconds until next_attempt_at (null when not set). */
  dueIn: number | null;
}

/** Failed deliveries: attempts, backoff, dead letters, replay. */
describe('outbox dead letters', () => {
  let db: TestDatabase;
  const contexts: OutboxContext[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    await db.drop();
  });

  /** A relay whose consumer throws for the outbox ids in `poison`, and first awaits `pause` if set. */
  async function relay(
    name: string,
    sink: Handled[],
    poison: Set<string>,
    env: Record<string, string> = {},
    pause?: (id: string) => Promise<void>,
  ) {
    const ctx = await startOutboxContext({
      databaseUrl: db.url,
      redisPrefix: testRedisPrefix(),
      consumers: [
        recordingConsumer(name, sink, async (event) => {
          await pause?.(event.id);
          if (poison.has(event.id)) throw new Error(`cannot index ${event.id}: ${'x'.repeat(3000)}`);
        }),
      ],
      env: { OUTBOX_BATCH_SIZE: '20', ...env },
    });
    contexts.push(ctx);
    return ctx;
  }

  async function attemptsOf(ctx: OutboxContext, id: string): Promise<Attempts> {
    const [row] = await ctx.app.get(DataSource).query(
      `SELECT attempts, last_error AS "lastError", dead_at IS NOT NULL AS dead,
              extract(epoch FROM next_attempt_at - now())::float8 AS "dueIn"
         FROM outbox_delivery WHERE event_id = $1 AND consumer = 'recording'`,
      [id],
    );
    return row;
  }

  /** Makes the event's retry due now instead of after its backoff. */
  async function makeDue(ctx: OutboxContext, id: string): Promise<void> {
    await ctx.app
      .get(DataSource)
      .query(`UPDATE outbox_delivery SET next_attempt_at = now() - interval '1 second' WHERE event_id = $1`, [id]);
  }

  it('backs off a failing event, parks it after OUTBOX_MAX_ATTEMPTS, then delivers its lead; requeueDead replays it', async () => {
    const sink: Handled[] = [];
    const poison = new Set<string>();
    const ctx = await relay('A', sink, poison, { OUTBOX_MAX_ATTEMPTS: '3' });
    const errors = jest.spyOn(Logger.prototype, 'error');
    const service = ctx.app.get(OutboxRelayService);
    const repo = ctx.app.get(OutboxRelayRepository);
    const [l1, l2] = [randomUUID(), randomUUID()];
    await appendEvents(ctx.app, [l1, l1, l2, l1]);
    const [l1a, l1b, l2a, l1c] = (await outboxRows(ctx.app)).map((r) => r.id);
    poison.add(l1a);
    await service.dispatchPending();
    await service.deliverPending('log');
    const relayBatch = () => service.deliverBatch('recording');

    // 1st failure: recorded with a 5 s backoff; the lead's later events wait, other leads go on.
    expect(await relayBatch()).toEqual({
      claimed: 4,
      delivered: [l2a],
      failed: [l1a],
      dead: [],
      deferred: [l1b, l1c],
      heldBack: [],
      skipped: [],
      published: [l2a],
    });
    let a = await attemptsOf(ctx, l1a);
    expect(a).toMatchObject({ attempts: 1, dead: false });
    expect(a.lastError).toMatch(/^cannot index/);
    expect(a.lastError).toHaveLength(2000);
    expect(a.dueIn).toBeGreaterThan(3);
    expect(a.dueIn).toBeLessThanOrEqual(5);
    // Not due: neither the event nor its lead's later ones are claimed, by batches or whole runs.
    expect((await relayBatch()).claimed).toBe(0);
    expect(await service.relayPending()).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });
    expect(await repo.countPending('recording')).toBe(3);
    expect(await repo.countPending('log')).toBe(0);

    // 2nd failure once due: the backoff doubles.
    await makeDue(ctx, l1a);
    expect(await relayBatch()).toMatchObject({ claimed: 3, failed: [l1a], dead: [], deferred: [l1b, l1c] });
    a = await attemptsOf(ctx, l1a);
    expect(a).toMatchObject({ attempts: 2, dead: false });
    expect(a.dueIn).toBeGreaterThan(8);
    expect(a.dueIn).toBeLessThanOrEqual(10);
    expect(errors).not.toHaveBeenCalled();

    // 3rd failure = OUTBOX_MAX_ATTEMPTS: a dead letter, which no longer holds back l1b and l1c.
    await makeDue(ctx, l1a);
    expect(await relayBatch()).toEqual({
      claimed: 3,
      delivered: [l1b, l1c],
      failed: [l1a],
      dead: [l1a],
      deferred: [],
      heldBack: [],
      skipped: [],
      published: [l1b, l1c],
    });
    a = await attemptsOf(ctx, l1a);
    expect(a).toMatchObject({ attempts: 3, dead: true, dueIn: null });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0][0]).toMatchObject({ outboxId: l1a, leadId: l1, attempts: 3, consumer: 'recording' });
    expect(await ctx.app.get(MetricsService).render()).toContain(
      'zs_outbox_dead_letters_total{consumer="recording",type="lead.updated"} 1',
    );
    // Parked: never claimed again, not counted as pending, listed for operators; the event stays unpublished.
    await ctx.app.get(DataSource).query(`UPDATE outbox_delivery SET next_attempt_at = NULL`);
    expect(await service.relayPending()).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });
    expect(await repo.countPending()).toBe(0);
    expect((await outboxRows(ctx.app)).filter((r) => !r.published).map((r) => r.id)).toEqual([l1a]);
    const dead = await repo.listDead();
    expect(dead.map((d) => [d.consumer, d.id, d.attempts])).toEqual([['recording', l1a, 3]]);
    expect(await repo.listDead({ consumer: 'log' })).toEqual([]);
    expect(dead[0].lastError).toMatch(/cannot index/);

    // Replay after the consumer was fixed.
    poison.clear();
    expect(await service.requeueDead()).toEqual([{ consumer: 'recording', id: l1a }]);
    expect(await attemptsOf(ctx, l1a)).toMatchObject({ attempts: 0, dead: false, dueIn: null });
    expect(await service.relayPending()).toEqual({ dispatched: 0, delivered: 1, failed: 0, dead: 0 });
    expect((await outboxRows(ctx.app)).every((r) => r.published)).toBe(true);
    expect(await service.requeueDead()).toEqual([]); // nothing dead any more (published events are never requeued)

    // Nothing was published twice: each event reached the consumer once after its failures.
    expect(sink.map((h) => h.id)).toEqual([l1a, l2a, l1a, l1a, l1b, l1c, l1a]);
    const metrics = await ctx.app.get(MetricsService).render();
    expect(metrics).toContain('zs_outbox_events_published_total{type="lead.updated"} 4');
    expect(metrics).toContain('zs_outbox_events_delivered_total{consumer="recording",type="lead.updated"} 4');
    expect(metrics).toContain('zs_outbox_delivery_failures_total{consumer="recording"} 3');
  });

  it('requeues only the dead letters asked for; a requeued event that fails again is parked again', async () => {
    const sink: Handled[] = [];
    const poison = new Set<string>();
    const ctx = await relay('A', sink, poison, { OUTBOX_MAX_ATTEMPTS: '1' });
    const service = ctx.app.get(OutboxRelayService);
    const [l1, l2] = [randomUUID(), randomUUID()];
    await appendEvents(ctx.app, [l1, l2]);
    const [l1a, l2a] = (await outboxRows(ctx.app)).map((r) => r.id);
    poison.add(l1a);
    poison.add(l2a);
    expect(await service.relayPending()).toEqual({ dispatched: 2, delivered: 2, failed: 2, dead: 2 });
    expect((await ctx.app.get(OutboxRelayRepository).listDead()).map((d) => d.id)).toEqual([l1a, l2a]);

    expect(await service.requeueDead({ ids: [l2a, '999999'] })).toEqual([{ consumer: 'recording', id: l2a }]);
    await appendEvents(ctx.app, [l2]);
    const l2b = (await outboxRows(ctx.app)).map((r) => r.id)[2];
    await service.dispatchPending();
    await service.deliverPending('log');
    // l2a fails again (and, with OUTBOX_MAX_ATTEMPTS=1, is dead again at once): l2b is then free to go.
    expect(await service.deliverBatch('recording')).toMatchObject({ claimed: 2, failed: [l2a], dead: [l2a], delivered: [l2b] });
    poison.clear();
    expect(await service.requeueDead({ ids: [l1a, l2a], consumer: 'log' })).toEqual([]);
    expect((await service.requeueDead({ ids: [l1a, l2a], consumer: 'recording' })).map((r) => r.id)).toEqual([l1a, l2a]);
    expect(await service.relayPending()).toEqual({ dispatched: 0, delivered: 2, failed: 0, dead: 0 });
    expect((await outboxRows(ctx.app)).every((r) => r.published)).toBe(true);
    expect(sink.map((h) => h.id)).toEqual([l1a, l2a, l2a, l2b, l1a, l2a]);
  });

  it('keeps per-lead order across batches and across relays: a later event waits for an earlier pending one', async () => {
    const sinkA: Handled[] = [];
    const sinkB: Handled[] = [];
    const poison = new Set<string>();
    const pause: { on?: string } = {};
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = await relay('A', sinkA, poison, {}, async (id) => {
      if (id !== pause.on) return;
      entered();
      await gate;
    });
    const b = await relay('B', sinkB, new Set());
    const [l1, l2] = [randomUUID(), randomUUID()];
    await appendEvents(a.app, [l1, l1, l2, l1]);
    const [l1a, l1b, l2a, l1c] = (await outboxRows(a.app)).map((r) => r.id);
    const serviceA = a.app.get(OutboxRelayService);
    const serviceB = b.app.get(OutboxRelayService);
    await serviceA.dispatchPending();
    const relayA = { relayBatch: (limit?: number) => serviceA.deliverBatch('recording', limit) };
    const relayB = {
      relayBatch: (limit?: number) => serviceB.deliverBatch('recording', limit),
      relayPending: () => serviceB.deliverPending('recording'),
    };

    // Across batches of one relay (batch size 1): l1a fails, so l1b and l1c are not claimed until it is due.
    poison.add(l1a);
    expect(await relayA.relayBatch(1)).toMatchObject({ claimed: 1, failed: [l1a] });
    expect(await relayA.relayBatch(1)).toMatchObject({ claimed: 1, delivered: [l2a] });
    expect(await relayA.relayBatch(1)).toMatchObject({ claimed: 0 });
    expect(await relayB.relayPending()).toMatchObject({ delivered: 0, failed: 0, dead: 0 });

    // Across relays: while l1a is in A's batch, B claims l1b and l1c but holds them back.
    poison.clear();
    await makeDue(a, l1a);
    pause.on = l1a;
    const slow = relayA.relayBatch(1);
    await inside;
    expect(await relayB.relayBatch()).toEqual({
      claimed: 2,
      delivered: [],
      failed: [],
      dead: [],
      deferred: [],
      heldBack: [l1b, l1c],
      skipped: [],
      published: [],
    });
    release();
    expect(await slow).toMatchObject({ delivered: [l1a] });
    expect(await relayB.relayPending()).toMatchObject({ delivered: 2, failed: 0, dead: 0 });
    await serviceA.deliverPending('log');
    expect(sinkB.map((h) => h.id)).toEqual([l1b, l1c]);
    // Nothing was delivered twice, apart from l1a's failed attempt; l1's events in order.
    expect([...sinkA, ...sinkB].map((h) => h.id)).toEqual([l1a, l2a, l1a, l1b, l1c]);
    expect((await outboxRows(a.app)).every((r) => r.published)).toBe(true);
  });

  it('lets parallel relays drain everything between them when they hold back each other\'s leads', async () => {
    const sink: Handled[] = [];
    const slowly = () => new Promise<void>((r) => setTimeout(r, 2));
    const a = await relay('A', sink, new Set(), { OUTBOX_BATCH_SIZE: '10' }, slowly);
    const b = await relay('B', sink, new Set(), { OUTBOX_BATCH_SIZE: '10' }, slowly);
    const leads = Array.from({ length: 3 }, () => randomUUID());
    await appendEvents(a.app, Array.from({ length: 90 }, (_, i) => leads[i % 3]));
    const [ra, rb] = await Promise.all([
      a.app.get(OutboxRelayService).relayPending(),
      b.app.get(OutboxRelayService).relayPending(),
    ]);
    expect(ra.delivered + rb.delivered).toBe(180);
    expect(sink).toHaveLength(90);
    expect(new Set(sink.map((h) => h.id)).size).toBe(90);
    for (const lead of leads) {
      const ids = sink.filter((h) => h.leadId === lead).map((h) => BigInt(h.id));
      expect(ids).toEqual([...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    }
  });
});
