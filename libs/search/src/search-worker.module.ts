import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { AppConfig } from '@zs/config';
import type { OutboxConsumer } from '@zs/outbox';
import { SearchIndexConsumer } from './search-index.consumer';
import { SearchIndexModule } from './search-index.module';
import { SearchReconcileProcessor } from './search-reconcile.processor';

/** The reconcile job's processor and schedule (Meilisearch only). */
@Module({ imports: [SearchIndexModule], providers: [SearchReconcileProcessor] })
export class SearchWorkerModule {}

/**
 * What a worker adds for search: with MEILI_URL the indexing outbox consumer (`search-index`) and
 * the repeatable reconcile; without it nothing, since the PostgreSQL engine searches the table itself.
 * Spread into OutboxWorkerModule.forRoot (consumers, imports).
 */
export function searchWorkerParts(config: Pick<AppConfig, 'meiliUrl'>): { consumers: Type<OutboxConsumer>[]; imports: DynamicModule['imports'] } {
  if (!config.meiliUrl) return { consumers: [], imports: [] };
  return { consumers: [SearchIndexConsumer], imports: [SearchIndexModule, SearchWorkerModule] };
}
