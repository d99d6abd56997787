import { Module } from '@nestjs/common';
import { LeadsModule } from '@zs/leads';
import { OpsModule } from '@zs/ops';
import { SEARCH_ENGINES, type SearchEngine } from './search-engine';
import { PgSearchRepository } from './pg-search.repository';
import type { MeiliSearchEngine } from './meili-search.engine';
import { SearchIndexModule } from './search-index.module';
import { MEILI_ENGINE } from './search-index.service';
import { SearchService } from './search.service';
import { SearchResolver } from './search.resolver';

@Module({
  imports: [LeadsModule, SearchIndexModule, OpsModule],
  providers: [
    PgSearchRepository,
    // Tried in order: Meilisearch when MEILI_URL is set, then PostgreSQL, the answer of last resort.
    {
      provide: SEARCH_ENGINES,
      inject: [MEILI_ENGINE, PgSearchRepository],
      useFactory: (meili: MeiliSearchEngine | null, pg: PgSearchRepository): SearchEngine[] => (meili ? [meili, pg] : [pg]),
    },
    SearchService,
    SearchResolver,
  ],
  exports: [SearchService, PgSearchRepository, SearchIndexModule],
})
export class SearchModule {}
