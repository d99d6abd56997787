import { Module } from '@nestjs/common';
import { LeadsModule } from '@zs/leads';
import { SEARCH_ENGINES, type SearchEngine } from './search-engine';
import { PgSearchRepository } from './pg-search.repository';
import { SearchService } from './search.service';
import { SearchResolver } from './search.resolver';

@Module({
  imports: [LeadsModule],
  providers: [
    PgSearchRepository,
    // Tried in order; PostgreSQL is always last, the answer of last resort.
    { provide: SEARCH_ENGINES, inject: [PgSearchRepository], useFactory: (pg: PgSearchRepository): SearchEngine[] => [pg] },
    SearchService,
    SearchResolver,
  ],
  exports: [SearchService, PgSearchRepository],
})
export class SearchModule {}
