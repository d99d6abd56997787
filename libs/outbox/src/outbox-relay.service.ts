import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Counter } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { MetricsService } from '@zs/ops';
import { OUTBOX_CONSUMERS, type OutboxConsumer, type OutboxEvent } from './outbox-consumer';
import { OutboxRelayRepository } from './outbox-relay.repository';

export interface RelayResult {
  /** Events locked by this relay. */
  claimed: number;
  /** Ids delivered to every consumer and marked published. */
  published: string[];
  /** Ids a consumer failed on: left unpublished for a later run. */
  failed: string[];
  /** Ids held back because an earlier event of the same lead failed. */
  deferred: string[];
}

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
 */
@Injectable()
export class OutboxRelayService {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly relayed: Counter<'type'>;
  private readonly failures: Counter<'consumer'>;

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
      'Outbox deliveries a consumer failed (the event is retried)',
      ['consumer'],
    );
  }

  /** One transaction: claim up to `limit` events, deliver, mark published. */
  relayBatch(limit = this.config.outbox.batchSize, excludeIds: readonly string[] = []): Promise<RelayResult> {
    return this.db.transaction(async (tx) => {
      const events = await this.outbox.claim(tx, limit, excludeIds);
      const result: RelayResult = { claimed: events.length, published: [], failed: [], deferred: [] };
      const blockedLeads = new Set<string>();
      for (const event of events) {
        if (event.leadId && blockedLeads.has(event.leadId)) {
          result.deferred.push(event.id);
          continue;
        }
        await tx.query('SAVEPOINT outbox_delivery');
        try {
          await this.deliver(event, tx);
          await tx.query('RELEASE SAVEPOINT outbox_delivery');
          result.published.push(event.id);
        } catch {
          // deliver() logged it; the event stays unpublished for the next run.
          await tx.query('ROLLBACK TO SAVEPOINT outbox_delivery');
          result.failed.push(event.id);
          if (event.leadId) blockedLeads.add(event.leadId);
        }
      }
      await this.outbox.markPublished(tx, result.published);
      return result;
    });
  }

  /**
   * Relays batch after batch until the outbox is drained (or `maxBatches` ran). Events that failed in
   * this run are not retried in the same run; the next sweep tries them again.
   */
  async relayPending(maxBatches = 50): Promise<{ published: number; failed: number }> {
    const limit = this.config.outbox.batchSize;
    const skip: string[] = [];
    let published = 0;
    let failed = 0;
    for (let i = 0; i < maxBatches; i++) {
      const r = await this.relayBatch(limit, skip);
      published += r.published.length;
      failed += r.failed.length;
      skip.push(...r.failed, ...r.deferred);
      if (r.claimed < limit) break;
    }
    return { published, failed };
  }

  private async deliver(event: OutboxEvent, tx: EntityManager): Promise<void> {
    for (const consumer of this.consumers) {
      try {
        await within(consumer.handle(event, { manager: tx }), CONSUMER_TIMEOUT_MS, consumer.name);
      } catch (err) {
        this.failures.inc({ consumer: consumer.name });
        this.logger.warn({
          msg: 'outbox delivery failed; the event will be retried',
          consumer: consumer.name,
          outboxId: event.id,
          eventId: event.eventId,
          type: event.type,
          error: err instanceof Error ? err.message : String(err),
        });
        throw err;
      }
    }
    this.relayed.inc({ type: event.type });
  }
}
