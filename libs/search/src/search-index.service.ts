import { Inject, Injectable } from '@nestjs/common';
import { MeiliSearchEngine, type ReconcileResult, type ReindexResult } from './meili-search.engine';
import { SearchDocumentRepository } from './search-document.repository';

/** The Meilisearch engine, or null when MEILI_URL is unset (the PostgreSQL engine needs no index upkeep). */
export const MEILI_ENGINE = Symbol('MEILI_ENGINE');

/** Raised by the index commands when no external index is configured. */
export class SearchIndexNotConfiguredError extends Error {
  constructor() {
    super('MEILI_URL is not set: search runs on PostgreSQL, which searches the lead table itself and has no index to rebuild');
    this.name = 'SearchIndexNotConfiguredError';
  }
}

/** Index upkeep for the CLI and the worker: reindex with an atomic swap, reconcile, stats. */
@Injectable()
export class SearchIndexService {
  constructor(
    @Inject(MEILI_ENGINE) readonly engine: MeiliSearchEngine | null,
    private readonly docs: SearchDocumentRepository,
  ) {}

  private meili(): MeiliSearchEngine {
    if (!this.engine) throw new SearchIndexNotConfiguredError();
    return this.engine;
  }

  reindex(): Promise<ReindexResult> {
    return this.meili().reindex(
      (n) => this.docs.all(n),
      (since) => this.docs.updatedSince(since),
    );
  }

  async reconcile(): Promise<ReconcileResult> {
    const engine = this.meili();
    await engine.applySettings();
    return engine.reconcile((n) => this.docs.all(n));
  }
}
