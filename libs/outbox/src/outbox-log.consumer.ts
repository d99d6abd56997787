import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsService } from '@zs/ops';
import type { OutboxConsumer, OutboxEvent } from './outbox-consumer';

/**
 * The first consumer: counts events by type and logs each one. Idempotent by nature (a redelivered
 * event is counted again, which the metric's help text admits). Search indexing and notifications
 * plug in beside it (OutboxWorkerModule.forRoot({ consumers })).
 */
@Injectable()
export class OutboxLogConsumer implements OutboxConsumer {
  readonly name = 'log';
  private readonly logger = new Logger('OutboxEvents');
  private readonly seen: Counter<'type'>;

  constructor(metrics: MetricsService) {
    this.seen = metrics.counter(
      'zs_outbox_events_consumed_total',
      'Domain events seen by the log consumer, by type (redeliveries count again)',
      ['type'],
    );
  }

  /** A relay batch at once: no savepoint per event for a consumer that writes nothing. */
  async handleBatch(events: readonly OutboxEvent[]): Promise<void> {
    for (const event of events) await this.handle(event);
  }

  async handle(event: OutboxEvent): Promise<void> {
    this.seen.inc({ type: event.type });
    this.logger.log({
      msg: 'domain event',
      outboxId: event.id,
      eventId: event.eventId,
      type: event.type,
      leadId: event.leadId,
      actorKind: event.actorKind,
      actorId: event.actorId,
      occurredAt: event.occurredAt,
    });
  }
}
