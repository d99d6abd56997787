import { Inject, Injectable } from '@nestjs/common';
import type { OutboxBatchDelivery, OutboxConsumer, OutboxDelivery, OutboxEvent } from '@zs/outbox';
import type { MeiliSearchEngine } from './meili-search.engine';
import { MEILI_ENGINE } from './search-index.service';

/** The leads an event touches: its lead, and both leads of a conflict (payload.leadIds). */
function leadIdsOf(event: OutboxEvent): string[] {
  if (!event.leadId) return [];
  const more = Array.isArray(event.payload.leadIds) ? event.payload.leadIds.filter((v): v is string => typeof v === 'string') : [];
  return [event.leadId, ...more];
}

/**
 * Keeps the Meilisearch index true: every lead event (created, updated, stage, share, referral,
 * assignment, conflict) reloads the lead's current row through the delivery's transaction and
 * upserts its document, or deletes it when the lead is gone. Reloading makes it idempotent and
 * order-independent, so a relay batch becomes one reload and one upsert of its distinct leads.
 * It runs on its own outbox queue and progress, so Meilisearch being down only delays this
 * consumer (its deliveries retry with backoff), never notifications or webhooks.
 *
 * With the PostgreSQL engine there is nothing to do — it searches the lead table itself — and the
 * platform registers this consumer only when MEILI_URL is set; without an engine it is a no-op.
 */
@Injectable()
export class SearchIndexConsumer implements OutboxConsumer {
  readonly name = 'search-index';

  constructor(@Inject(MEILI_ENGINE) private readonly engine: MeiliSearchEngine | null) {}

  handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
    return this.handleBatch([event], delivery);
  }

  async handleBatch(events: readonly OutboxEvent[], delivery: OutboxBatchDelivery): Promise<void> {
    if (!this.engine) return;
    const ids = new Set(events.flatMap(leadIdsOf));
    if (ids.size > 0) await this.engine.sync([...ids], delivery.manager);
  }
}
