import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Counter } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { MetricsService } from '@zs/ops';
import { OUTBOX_CONSUMERS, type OutboxConsumer } from './outbox-consumer';
import { type ClaimedEvent, OutboxRelayRepository } from './outbox-relay.repository';

export interface RelayResult {
  /** Events locked by this relay. */
  claimed: number;
  /** Ids delivered to every consumer and marked published. */
  published: string[];
  /** Ids a consumer failed on: left unpublished, retried after a backoff (or dead, see `dead`). */
  failed: string[];
  /** Ids of `failed` that reached OUTBOX_MAX_ATTEMPTS with this failure: parked as dead letters. */
  dead: string[];
  /** Ids held back because an earlier event of the same lead failed in this batch. */
  deferred: string[];
  /**
   * Ids held back because an earlier event of the same lead is in another relay's batch right now;
   * claimable again as soon as that batch ends.
   */
  heldBack: string[];
}

/** Backoff after the n-th failure of an event (n ≥ 1): 5 s × 2^(n-1), at most one hour. */
export const OUTBOX_RETRY_BASE_SECONDS = 5;
export const OUTBOX_RETRY_MAX_SECONDS = 3600;

/** A consumer failed on an event. */
class DeliveryFailure extends Error {
  constructor(
    readonly consumer: string,
    cause: unknown,
  ) {
    super(`${consumer}: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
  }
}

/** Pause before claiming again when a whole batch waited for another relay's batch. */
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

/**
 * Moves committed domain events from the outbox table to the consumers (transactional outbox).
 *
 * One batch is one transaction: claim the oldest unpublished rows with FOR UPDATE SKIP LOCKED, hand
 * each event to every consumer (inside a savepoint, so a consumer's failed SQL does not spoil the
 * batch), mark the delivered ones published, commit. If the process dies mid-batch the transaction
 * rolls back and the rows, still unpublished, are claimed again: nothing is lost, and consumers see
 * such events twice (at-least-once; see OutboxConsumer). Two relays never hold the same row, so
 * while both are alive an event is published by exactly one of them.
 *
 * A failed delivery is recorded on the event in the same transaction (attempts, last_error,
 * next_attempt_at with exponential backoff); the event is not claimed again before it is due, and
 * later events of its lead wait for it. After OUTBOX_MAX_ATTEMPTS failures it becomes a dead letter
 * (dead_at): no longer claimed, no longer blocking its lead, counted in zs_outbox_dead_letters_total
 * and logged at error level, until an operator replays it with requeueDead().
 */
@Injectable()
export class OutboxRelayService {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly relayed: Counter<'type'>;
  private readonly failures: Counter<'consumer'>;
  private readonly deadLetters: Counter<'type'>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxRelayRepository,
    @Inject(OUTBOX_CONSUMERS) private readonly consumers: OutboxConsumer[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.relayed = metrics.counter('zs_outbox_events_published_total', 'Outbox events delivered to every consumer', [
      'type',
    ]);
    this.failures = metrics.counter(
      'zs_outbox_delivery_failures_total',
      'Outbox deliveries a consumer failed (the event is retried with backoff, or dead-lettered)',
      ['consumer'],
    );
    this.deadLetters = metrics.counter(
      'zs_outbox_dead_letters_total',
      'Outbox events parked as dead letters after OUTBOX_MAX_ATTEMPTS failed deliveries',
      ['type'],
    );
  }

  /** One transaction: claim up to `limit` events, deliver, mark published or record the failure. */
  relayBatch(limit = this.config.outbox.batchSize, excludeIds: readonly string[] = []): Promise<RelayResult> {
    return this.db.transaction(async (tx) => {
      const events = await this.outbox.claim(tx, limit, excludeIds);
      const result: RelayResult = {
        claimed: events.length,
        published: [],
        failed: [],
        dead: [],
        deferred: [],
        heldBack: [],
      };
      const failingLeads = new Set<string>();
      const busyLeads = new Set<string>();
      for (const event of events) {
        if (event.heldBack || (event.leadId && busyLeads.has(event.leadId))) {
          result.heldBack.push(event.id);
          if (event.leadId) busyLeads.add(event.leadId);
          continue;
        }
        if (event.leadId && failingLeads.has(event.leadId)) {
          result.deferred.push(event.id);
          continue;
        }
        await tx.query('SAVEPOINT outbox_delivery');
        try {
          await this.deliver(event, tx);
          await tx.query('RELEASE SAVEPOINT outbox_delivery');
          result.published.push(event.id);
        } catch (err) {
          // deliver() logged it; the consumer's writes go with the savepoint, the failure is recorded.
          await tx.query('ROLLBACK TO SAVEPOINT outbox_delivery');
          result.failed.push(event.id);
          const dead = await this.recordFailure(tx, event, err);
          if (dead) result.dead.push(event.id);
          // A retrying event holds back its lead's later events; a dead letter no longer does.
          else if (event.leadId) failingLeads.add(event.leadId);
        }
      }
      await this.outbox.markPublished(tx, result.published);
      return result;
    });
  }

  /**
   * Relays batch after batch until the outbox is drained (or `maxBatches` ran). Events that failed in
   * this run are not retried in the same run; a later sweep tries them again once they are due.
   * Events held back behind another relay's batch are claimed again (after a short pause when the
   * batch made no progress), so parallel relays do not leave each other's leftovers to the next sweep.
   */
  async relayPending(maxBatches = 50): Promise<{ published: number; failed: number; dead: number }> {
    const limit = this.config.outbox.batchSize;
    const skip: string[] = [];
    let published = 0;
    let failed = 0;
    let dead = 0;
    for (let i = 0; i < maxBatches; i++) {
      const r = await this.relayBatch(limit, skip);
      published += r.published.length;
      failed += r.failed.length;
      dead += r.dead.length;
      skip.push(...r.failed, ...r.deferred);
      const progress = r.published.length + r.failed.length;
      if (r.heldBack.length === 0 && (r.claimed < limit || progress === 0)) break;
      if (progress === 0) await sleep(HELD_BACK_PAUSE_MS);
    }
    return { published, failed, dead };
  }

  /**
   * Replays dead letters: the given outbox ids (default: every dead event) become claimable again
   * with their attempts reset. Their lead's later events may already have been delivered, so a
   * replayed event can arrive out of order; consumers that reload current state do not mind.
   * Returns the ids requeued.
   */
  async requeueDead(ids?: readonly string[]): Promise<string[]> {
    const requeued = await this.outbox.requeueDead(ids);
    if (requeued.length > 0) this.logger.log({ msg: 'outbox dead letters requeued', ids: requeued });
    return requeued;
  }

  /** Records a failed delivery on the event; true when it became a dead letter. */
  private async recordFailure(tx: EntityManager, event: ClaimedEvent, err: unknown): Promise<boolean> {
    const error = err instanceof Error ? err.message : String(err);
    const maxAttempts = this.config.outbox.maxAttempts;
    const { attempts, dead, nextAttemptAt } = await this.outbox.recordFailure(tx, event.id, error, {
      maxAttempts,
      baseDelaySeconds: OUTBOX_RETRY_BASE_SECONDS,
      maxDelaySeconds: OUTBOX_RETRY_MAX_SECONDS,
    });
    const context = {
      outboxId: event.id,
      eventId: event.eventId,
      type: event.type,
      leadId: event.leadId,
      consumer: err instanceof DeliveryFailure ? err.consumer : undefined,
      attempts,
    };
    if (dead) {
      this.deadLetters.inc({ type: event.type });
      this.logger.error({
        msg: 'outbox event dead-lettered: delivery failed too often; it no longer holds back its lead',
        ...context,
        maxAttempts,
        error: error.slice(0, 500),
      });
    } else {
      this.logger.debug({ msg: 'outbox event will be retried', ...context, nextAttemptAt });
    }
    return dead;
  }

  private async deliver(event: ClaimedEvent, tx: EntityManager): Promise<void> {
    for (const consumer of this.consumers) {
      try {
        await within(consumer.handle(event, { manager: tx }), CONSUMER_TIMEOUT_MS, consumer.name);
      } catch (err) {
        this.failures.inc({ consumer: consumer.name });
        this.logger.warn({
          msg: 'outbox delivery failed',
          consumer: consumer.name,
          outboxId: event.id,
          eventId: event.eventId,
          type: event.type,
          attempt: event.attempts + 1,
          error: err instanceof Error ? err.message : String(err),
        });
        throw new DeliveryFailure(consumer.name, err);
      }
    }
    this.relayed.inc({ type: event.type });
  }
}
