import { SearchIndexService } from '@zs/search';
import type { Command } from './commands';

/** Upkeep of the Meilisearch index (MEILI_URL); the PostgreSQL engine has no index to keep. */
export const SEARCH_COMMANDS: Record<string, Command> = {
  'search:reindex': {
    usage: 'search:reindex',
    async run(app) {
      const r = await app.get(SearchIndexService).reindex();
      return `Reindexed ${r.documents} lead(s) into a fresh index and swapped it in as ${r.index} (${(r.ms / 1000).toFixed(1)} s)`;
    },
  },
  'search:reconcile': {
    usage: 'search:reconcile',
    async run(app) {
      const r = await app.get(SearchIndexService).reconcile();
      if (r.upserted === 0 && r.deleted === 0) return `Search index matches the database (${r.checked} lead(s) checked)`;
      return `Repaired search index drift: ${r.upserted} document(s) rewritten, ${r.deleted} removed (${r.checked} lead(s) checked)`;
    },
  },
};
