import { Inject, Injectable } from '@nestjs/common';
import type { OutboxConsumer, OutboxDelivery, OutboxEvent } from '@zs/outbox';
import type { MeiliSearchEngine } from './meili-search.engine';
import { MEILI_ENGINE } from './search-index.service';

/**
 * Keeps the Meilisearch index true: every lead event (created, updated, stage, share, referral,
 * assignment, conflict) reloads the lead's current row through the delivery's transaction and
 * upserts its document, or deletes it when the lead is gone. Reloading makes it idempotent and
 * order-independent. It runs on its own outbox queue and progress, so Meilisearch being down only
 * delays this consumer (its deliveries retry with backoff), never notifications or webhooks.
 *
 * With the PostgreSQL engine there is nothing to do — it searches the lead table itself — and the
 * platform registers this consumer only when MEILI_URL is set; without an engine it is a no-op.
 */
@Injectable()
export class SearchIndexConsumer implements OutboxConsumer {
  readonly name = 'search-index';

  constructor(@Inject(MEILI_ENGINE) private readonly engine: MeiliSearchEngine | null) {}

  async handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
    if (!this.engine || !event.leadId) return;
    // A conflict names both of its leads (payload.leadIds); rebuilding both is harmless either way.
    const more = Array.isArray(event.payload.leadIds) ? event.payload.leadIds.filter((v): v is string => typeof v === 'string') : [];
    await this.engine.sync([...new Set([event.leadId, ...more])], delivery.manager);
  }
}
