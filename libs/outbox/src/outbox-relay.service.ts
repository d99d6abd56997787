import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Counter } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { MetricsService } from '@zs/ops';
import { CONSUMER_NAME } from '@zs/queue';
import { OUTBOX_CONSUMERS, type OutboxConsumer } from './outbox-consumer';
import { type ClaimedEvent, OutboxRelayRepository } from './outbox-relay.repository';

export interface DeliveryBatchResult {
  /** Deliveries locked by this batch. */
  claimed: number;
  /** Event ids the consumer handled: its deliveries are done. */
  delivered: string[];
  /** Event ids the consumer failed on: retried after a backoff (or dead, see `dead`). */
  failed: string[];
  /** Ids of `failed` that reached OUTBOX_MAX_ATTEMPTS with this failure: dead letters of this consumer. */
  dead: string[];
  /** Ids held back because an earlier event of the same lead failed in this batch. */
  deferred: string[];
  /** Ids held back because an earlier event of the same lead is in another batch of this consumer. */
  heldBack: string[];
  /**
   * Ids not attempted because the consumer failed OUTBOX_OUTAGE_FAILURES times in a row in this
   * batch (it looks down): they wait, without an attempt counted, for the next wake-up.
   */
  skipped: string[];
  /** Event ids every consumer is now done with (published by this batch). */
  published: string[];
}

export interface DeliveryRunResult {
  delivered: number;
  failed: number;
  dead: number;
  /** The run stopped because the consumer looks down (see DeliveryBatchResult.skipped). */
  outage: boolean;
  /** The run hit its batch limit with work left: wake the consumer again. */
  more: boolean;
}

/** Backoff after the n-th failure of a delivery (n ≥ 1): 5 s × 2^(n-1), at most one hour. */
export const OUTBOX_RETRY_BASE_SECONDS = 5;
export const OUTBOX_RETRY_MAX_SECONDS = 3600;
/** Consecutive failures in one batch after which the consumer is taken as down for this run. */
export const OUTBOX_OUTAGE_FAILURES = 3;

/** Pause before claiming again when a whole batch waited for another batch of the same consumer. */
const HELD_BACK_PAUSE_MS = 50;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A consumer that neither returns nor throws within this time counts as failed for the event. */
const CONSUMER_TIMEOUT_MS = 30_000;

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Moves committed domain events from the outbox table to the consumers, each consumer on its own.
 *
 * 1. Dispatch: committed events are fanned out into one `outbox_delivery` row per registered
 *    consumer (`outbox_consumer`) and marked dispatched, in a short transaction that never runs
 *    consumer code, so nothing a consumer does can hold it up.
 * 2. Delivery, per consumer: one batch is one transaction that claims the oldest due deliveries of
 *    that consumer with FOR UPDATE SKIP LOCKED, hands the events to the consumer (runs of events that
 *    never failed to its handleBatch in one savepoint, else, and when that batch throws, each event
 *    inside its own savepoint),
 *    marks the handled ones done and records failures (attempts, last_error, next_attempt_at with
 *    exponential backoff; a dead letter after OUTBOX_MAX_ATTEMPTS), and publishes the events every
 *    consumer is done with. If the process dies the transaction rolls back and the deliveries,
 *    still pending, are claimed again: nothing is lost, and the consumer's writes made through
 *    `delivery.manager` were rolled back with it.
 *
 * PostgreSQL holds all progress; BullMQ jobs only say "look now" (see OutboxRelayProcessor).
 */
@Injectable()
export class OutboxRelayService implements OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly byName = new Map<string, OutboxConsumer>();
  private readonly published: Counter<'type'>;
  private readonly delivered: Counter<'consumer' | 'type'>;
  private readonly failures: Counter<'consumer'>;
  private readonly deadLetters: Counter<'consumer' | 'type'>;
  private readonly batchFallbacks: Counter<'consumer'>;
  private registered: Promise<void> | undefined;
  /** Shutting down: finish the event in hand, commit, take no more (the workers close next). */
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxRelayRepository,
    @Inject(OUTBOX_CONSUMERS) consumers: OutboxConsumer[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    for (const consumer of consumers) {
      if (!CONSUMER_NAME.test(consumer.name)) {
        throw new Error(`outbox consumer name "${consumer.name}" must match ${CONSUMER_NAME.source}`);
      }
      if (this.byName.has(consumer.name)) throw new Error(`two outbox consumers are named "${consumer.name}"`);
      this.byName.set(consumer.name, consumer);
    }
    this.published = metrics.counter(
      'zs_outbox_events_published_total',
      'Outbox events every consumer is done with',
      ['type'],
    );
    this.delivered = metrics.counter('zs_outbox_events_delivered_total', 'Outbox events a consumer handled', [
      'consumer',
      'type',
    ]);
    this.failures = metrics.counter(
      'zs_outbox_delivery_failures_total',
      'Outbox deliveries a consumer failed (retried with backoff, or dead-lettered)',
      ['consumer'],
    );
    this.deadLetters = metrics.counter(
      'zs_outbox_dead_letters_total',
      'Outbox deliveries parked as dead letters after OUTBOX_MAX_ATTEMPTS failures, by consumer',
      ['consumer', 'type'],
    );
    this.batchFallbacks = metrics.counter(
      'zs_outbox_batch_fallbacks_total',
      'Batches a consumer failed as a whole, then delivered one event at a time, by consumer',
      ['consumer'],
    );
  }

  onModuleDestroy(): void {
    this.stopping = true;
  }

  /** Names of the consumers this process runs. */
  get consumerNames(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * Records this process's consumers in `outbox_consumer` (once per process; retried after a
   * failure). Runs before the first dispatch, so events written before any worker ran reach them.
   */
  registerConsumers(): Promise<void> {
    this.registered ??= this.outbox.registerConsumers(this.consumerNames).catch((err: unknown) => {
      this.registered = undefined;
      throw err;
    });
    return this.registered;
  }

  /** Fans out every committed, undispatched event; returns the count and the consumers that got work. */
  async dispatchPending(maxBatches = 50): Promise<{ dispatched: number; consumers: string[] }> {
    await this.registerConsumers();
    const limit = this.config.outbox.batchSize;
    const consumers = new Set<string>();
    let dispatched = 0;
    for (let i = 0; i < maxBatches; i++) {
      const r = await this.outbox.dispatch(limit);
      dispatched += r.dispatched;
      for (const c of r.consumers) consumers.add(c);
      if (r.dispatched < limit) break;
    }
    return { dispatched, consumers: [...consumers] };
  }

  /** One transaction of one consumer: claim up to `limit` deliveries, deliver, record the outcome. */
  deliverBatch(
    consumerName: string,
    limit = this.config.outbox.batchSize,
    excludeIds: readonly string[] = [],
  ): Promise<DeliveryBatchResult> {
    const consumer = this.consumer(consumerName);
    return this.db.transaction(async (tx) => {
      const events = await this.outbox.claim(tx, consumerName, limit, excludeIds);
      const result: DeliveryBatchResult = {
        claimed: events.length,
        delivered: [],
        failed: [],
        dead: [],
        deferred: [],
        heldBack: [],
        skipped: [],
        published: [],
      };
      const failingLeads = new Set<string>();
      const busyLeads = new Set<string>();
      let failuresInARow = 0;

      /** One event in its own savepoint; a failure is recorded on its delivery and holds back its lead. */
      const deliverOne = async (event: ClaimedEvent): Promise<void> => {
        if (event.leadId && failingLeads.has(event.leadId)) {
          result.deferred.push(event.id);
          return;
        }
        if (failuresInARow >= OUTBOX_OUTAGE_FAILURES || this.stopping) {
          result.skipped.push(event.id);
          return;
        }
        await tx.query('SAVEPOINT outbox_delivery');
        try {
          await within(
            consumer.handle(event, { manager: tx, consumer: consumerName, attempt: event.attempts + 1 }),
            CONSUMER_TIMEOUT_MS,
            consumerName,
          );
          await tx.query('RELEASE SAVEPOINT outbox_delivery');
          result.delivered.push(event.id);
          this.delivered.inc({ consumer: consumerName, type: event.type });
          failuresInARow = 0;
        } catch (err) {
          // The consumer's writes go with the savepoint; the failure is recorded on its delivery.
          await tx.query('ROLLBACK TO SAVEPOINT outbox_delivery');
          failuresInARow++;
          result.failed.push(event.id);
          const dead = await this.recordFailure(tx, consumerName, event, err);
          if (dead) result.dead.push(event.id);
          // A retrying event holds back its lead's later events (for this consumer); a dead letter no longer does.
          else if (event.leadId) failingLeads.add(event.leadId);
        }
      };

      // Events collected for the consumer's handleBatch: consecutive claimed events that never failed.
      let pending: ClaimedEvent[] = [];
      const flush = async (): Promise<void> => {
        const group = pending;
        pending = [];
        if (group.length === 0) return;
        const down = failuresInARow >= OUTBOX_OUTAGE_FAILURES || this.stopping;
        if (group.length > 1 && !down && (await this.tryBatch(tx, consumer, group))) {
          for (const event of group) {
            result.delivered.push(event.id);
            this.delivered.inc({ consumer: consumerName, type: event.type });
          }
          failuresInARow = 0;
          return;
        }
        // One event, or the batch failed: one by one, so a poison event fails alone.
        for (const event of group) await deliverOne(event);
      };

      for (const event of events) {
        if (event.heldBack || (event.leadId && busyLeads.has(event.leadId))) {
          result.heldBack.push(event.id);
          if (event.leadId) busyLeads.add(event.leadId);
          continue;
        }
        // A lead's events before this one are in `pending` or already handled: its order is kept.
        if (consumer.handleBatch && event.attempts === 0 && !(event.leadId && failingLeads.has(event.leadId))) {
          pending.push(event);
          continue;
        }
        await flush();
        await deliverOne(event);
      }
      await flush();
      const published = await this.outbox.markDone(tx, consumerName, result.delivered);
      result.published = published.map((p) => p.id);
      for (const p of published) this.published.inc({ type: p.type });
      return result;
    });
  }

  /**
   * Delivers batch after batch of one consumer until nothing is due (or `maxBatches` ran, then
   * `more`). Deliveries that failed in this run are not retried in it; a later wake-up retries them
   * once due. A run stops early when the consumer looks down (`outage`).
   */
  async deliverPending(consumerName: string, maxBatches = 50): Promise<DeliveryRunResult> {
    const limit = this.config.outbox.batchSize;
    const skip: string[] = [];
    const run: DeliveryRunResult = { delivered: 0, failed: 0, dead: 0, outage: false, more: false };
    for (let i = 0; i < maxBatches; i++) {
      const r = await this.deliverBatch(consumerName, limit, skip);
      run.delivered += r.delivered.length;
      run.failed += r.failed.length;
      run.dead += r.dead.length;
      if (this.stopping) return run;
      if (r.skipped.length > 0) {
        run.outage = true;
        this.logger.warn({
          msg: 'outbox consumer failing repeatedly; pausing it until the next wake-up',
          consumer: consumerName,
          failed: r.failed.length,
          waiting: r.skipped.length,
        });
        return run;
      }
      skip.push(...r.failed, ...r.deferred);
      const progress = r.delivered.length + r.failed.length;
      if (r.heldBack.length === 0 && (r.claimed < limit || progress === 0)) return run;
      if (progress === 0) await sleep(HELD_BACK_PAUSE_MS);
    }
    run.more = true;
    return run;
  }

  /**
   * Dispatches and then delivers every pending event to every consumer of this process, one
   * consumer after the other (tools and tests; the worker runs each consumer on its own queue).
   */
  async relayPending(): Promise<{ dispatched: number; delivered: number; failed: number; dead: number }> {
    const { dispatched } = await this.dispatchPending();
    const total = { dispatched, delivered: 0, failed: 0, dead: 0 };
    for (const name of this.consumerNames) {
      const r = await this.deliverPending(name);
      total.delivered += r.delivered;
      total.failed += r.failed;
      total.dead += r.dead;
    }
    return total;
  }

  /**
   * Replays dead letters: the given outbox ids (default: every dead delivery), of one consumer
   * (default: all), become due again with their attempts reset. Their lead's later events may
   * already have reached that consumer, so a replayed event can arrive out of order; consumers that
   * reload current state do not mind. Returns what was requeued.
   */
  async requeueDead(opts: { ids?: readonly string[]; consumer?: string } = {}): Promise<{ consumer: string; id: string }[]> {
    const requeued = await this.outbox.requeueDead(opts);
    if (requeued.length > 0) this.logger.log({ msg: 'outbox dead letters requeued', requeued });
    return requeued;
  }

  /**
   * Hands `events` to the consumer's handleBatch in one savepoint. False (its writes rolled back)
   * when it threw or timed out: the caller then delivers the events one by one.
   */
  private async tryBatch(tx: EntityManager, consumer: OutboxConsumer, events: ClaimedEvent[]): Promise<boolean> {
    await tx.query('SAVEPOINT outbox_batch');
    try {
      await within(consumer.handleBatch!(events, { manager: tx, consumer: consumer.name }), CONSUMER_TIMEOUT_MS, consumer.name);
      await tx.query('RELEASE SAVEPOINT outbox_batch');
      return true;
    } catch (err) {
      await tx.query('ROLLBACK TO SAVEPOINT outbox_batch');
      await tx.query('RELEASE SAVEPOINT outbox_batch');
      this.batchFallbacks.inc({ consumer: consumer.name });
      // Not counted as an attempt of any event: the one-by-one deliveries that follow decide which failed.
      this.logger.warn({
        msg: 'outbox batch failed; delivering its events one by one',
        consumer: consumer.name,
        events: events.length,
        error: messageOf(err).slice(0, 500),
      });
      return false;
    }
  }

  private consumer(name: string): OutboxConsumer {
    const consumer = this.byName.get(name);
    if (!consumer) throw new Error(`no outbox consumer named "${name}" in this process`);
    return consumer;
  }

  /** Records a failed delivery; true when it became a dead letter. */
  private async recordFailure(tx: EntityManager, consumer: string, event: ClaimedEvent, err: unknown): Promise<boolean> {
    const error = messageOf(err);
    this.failures.inc({ consumer });
    const maxAttempts = this.config.outbox.maxAttempts;
    const { attempts, dead, nextAttemptAt } = await this.outbox.recordFailure(tx, consumer, event.id, error, {
      maxAttempts,
      baseDelaySeconds: OUTBOX_RETRY_BASE_SECONDS,
      maxDelaySeconds: OUTBOX_RETRY_MAX_SECONDS,
    });
    const context = { consumer, outboxId: event.id, eventId: event.eventId, type: event.type, leadId: event.leadId, attempts };
    if (dead) {
      this.deadLetters.inc({ consumer, type: event.type });
      this.logger.error({
        msg: 'outbox delivery dead-lettered: the consumer failed too often; it no longer holds back its lead',
        ...context,
        maxAttempts,
        error: error.slice(0, 500),
      });
    } else {
      this.logger.warn({ msg: 'outbox delivery failed; will be retried', ...context, nextAttemptAt, error: error.slice(0, 500) });
    }
    return dead;
  }
}
