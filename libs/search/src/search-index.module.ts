import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { MeiliSearchEngine } from './meili-search.engine';
import { SearchDocumentRepository } from './search-document.repository';
import { MEILI_ENGINE, SearchIndexService } from './search-index.service';

export function meiliEngineFromConfig(config: AppConfig, docs: SearchDocumentRepository): MeiliSearchEngine | null {
  if (!config.meiliUrl) return null;
  return new MeiliSearchEngine(
    {
      host: config.meiliUrl,
      apiKey: config.meiliMasterKey,
      index: config.meili.index,
      timeoutMs: config.meili.timeoutMs,
      taskTimeoutMs: config.meili.taskTimeoutMs,
    },
    docs,
  );
}

/**
 * The external index (Meilisearch when MEILI_URL is set) without the GraphQL side: used by
 * SearchModule, the indexing consumer, the reconcile job and the CLI. Needs the host's
 * ConfigModule and DatabaseModule.
 */
@Module({
  providers: [
    SearchDocumentRepository,
    { provide: MEILI_ENGINE, inject: [APP_CONFIG, SearchDocumentRepository], useFactory: meiliEngineFromConfig },
    SearchIndexService,
  ],
  exports: [SearchDocumentRepository, MEILI_ENGINE, SearchIndexService],
})
export class SearchIndexModule {}
