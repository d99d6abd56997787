import { Logger } from '@nestjs/common';
import { type Config, type EnqueuedTaskPromise, Meilisearch, type Task } from 'meilisearch';
import type { Actor } from '@zs/common';
import {
  LeadFacet,
  SearchEngineKind,
  type EngineResult,
  type EngineStats,
  type FacetValue,
  type SearchEngine,
  type SearchRequest,
} from './search-engine';
import { FACET_ATTRIBUTE, LEAD_INDEX_SETTINGS, filterExpression, meiliQuery, searchParams, unsupportedFilter } from './meili-query';
import type { SearchDocument } from './search-document';
import { type Queryable, SearchDocumentRepository } from './search-document.repository';
import { SCOPE_LABELS, STAGE_LABELS } from './pg-search.repository';

export interface MeiliOptions {
  host: string;
  apiKey?: string;
  /** The leads index uid. */
  index: string;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Waiting for one task (settings, a batch of documents, a swap). */
  taskTimeoutMs: number;
  /** Replaces fetch (tests record the requests); the client then expects parsed bodies and thrown errors. */
  httpClient?: Config['httpClient'];
  /** Documents per addDocuments request. */
  batchSize?: number;
}

export const MEILI_OPTIONS = Symbol('MEILI_OPTIONS');

/** A Meilisearch task that ended other than `succeeded` (or never ended within the timeout). */
export class MeiliTaskError extends Error {
  constructor(
    readonly what: string,
    readonly task: Pick<Task, 'uid' | 'status' | 'error'> | null,
    message: string,
  ) {
    super(message);
    this.name = 'MeiliTaskError';
  }
}

export interface ReindexResult {
  index: string;
  documents: number;
  ms: number;
}

export interface ReconcileResult {
  /** Leads in the database. */
  checked: number;
  /** Documents missing or stale in the index, rewritten. */
  upserted: number;
  /** Documents of leads that no longer exist, removed. */
  deleted: number;
}

const FACET_CODE_KIND: Partial<Record<LeadFacet, string>> = {
  [LeadFacet.INDUSTRY]: 'INDUSTRY',
  [LeadFacet.CAPITAL_SOURCE]: 'CAPITAL_SOURCE',
  [LeadFacet.ATTRACTION_MODE]: 'ATTRACTION_MODE',
};

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * The Meilisearch engine (official `meilisearch` client). Every search carries the caller's
 * visibility as the first filter term (`audience IN [caller tokens]`, lead-audience.ts), so hits,
 * totalHits and facets never include a lead `lead(id)` hides; hits are reloaded through the
 * visibility-checked loader anyway. Documents come from SearchDocumentRepository (current rows).
 */
export class MeiliSearchEngine implements SearchEngine {
  readonly kind = SearchEngineKind.MEILISEARCH;
  readonly client: Meilisearch;
  private readonly logger = new Logger('MeiliSearch');
  private readonly batchSize: number;

  constructor(
    readonly options: MeiliOptions,
    private readonly docs: SearchDocumentRepository,
  ) {
    this.client = new Meilisearch({
      host: options.host,
      apiKey: options.apiKey,
      timeout: options.timeoutMs,
      httpClient: options.httpClient,
      defaultWaitOptions: { timeout: options.taskTimeoutMs, interval: 50 },
    });
    this.batchSize = options.batchSize ?? 1000;
  }

  get indexUid(): string {
    return this.options.index;
  }

  /** Filters only PostgreSQL can answer: the service routes those searches there. */
  supports(request: SearchRequest): boolean {
    return unsupportedFilter(request.filter) === null;
  }

  /** Waits for a task; a failed or canceled task, or no end within taskTimeoutMs, is an error. */
  async wait(what: string, enqueued: EnqueuedTaskPromise): Promise<Task> {
    let task: Task;
    try {
      task = await enqueued.waitTask({ timeout: this.options.taskTimeoutMs });
    } catch (err) {
      throw new MeiliTaskError(what, null, `Meilisearch ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (task.status !== 'succeeded') {
      throw new MeiliTaskError(what, task, `Meilisearch ${what}: task ${task.uid} ${task.status}${task.error ? `: ${task.error.code} ${task.error.message}` : ''}`);
    }
    return task;
  }

  private async indexExists(uid: string): Promise<boolean> {
    try {
      await this.client.getRawIndex(uid);
      return true;
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code === 'index_not_found') return false;
      throw err;
    }
  }

  /** Creates the index when missing and applies LEAD_INDEX_SETTINGS (idempotent). */
  async applySettings(uid = this.indexUid): Promise<void> {
    if (!(await this.indexExists(uid))) await this.wait(`create index ${uid}`, this.client.createIndex(uid, { primaryKey: 'id' }));
    await this.wait(`settings of ${uid}`, this.client.index(uid).updateSettings(LEAD_INDEX_SETTINGS));
  }

  /** Adds or replaces documents in batches, all enqueued first, then awaited. */
  async upsert(documents: readonly SearchDocument[], uid = this.indexUid): Promise<void> {
    const index = this.client.index<SearchDocument>(uid);
    const tasks = chunks(documents, this.batchSize).map((batch) => index.addDocuments(batch, { primaryKey: 'id' }));
    for (const t of tasks) await this.wait(`add documents to ${uid}`, t);
  }

  async remove(ids: readonly string[], uid = this.indexUid): Promise<void> {
    if (ids.length === 0) return;
    const index = this.client.index(uid);
    for (const batch of chunks(ids, this.batchSize)) await this.wait(`delete documents from ${uid}`, index.deleteDocuments([...batch]));
  }

  private settingsApplied: Promise<void> | undefined;

  /**
   * Once per process before the first write: Meilisearch creates a missing index on the first
   * addDocuments, but without these settings (no filterable audience: every search would fail).
   */
  private ensureSettings(): Promise<void> {
    this.settingsApplied ??= this.applySettings().catch((err: unknown) => {
      this.settingsApplied = undefined;
      throw err;
    });
    return this.settingsApplied;
  }

  /** Rebuilds the documents of these leads from their rows; a lead that no longer exists is removed. */
  async sync(leadIds: readonly string[], db?: Queryable): Promise<void> {
    if (leadIds.length === 0) return;
    await this.ensureSettings();
    const docs = await this.docs.byIds(leadIds, db);
    const found = new Set(docs.map((d) => d.id));
    await this.upsert(docs);
    await this.remove([...new Set(leadIds)].filter((id) => !found.has(id)));
  }

  async search(actor: Actor, r: SearchRequest): Promise<EngineResult> {
    const filter = filterExpression(actor, r.filter);
    if (filter === null) return { totalHits: 0, hits: [], facets: r.facets.map((facet) => ({ facet, values: [] })) };
    const { skip, ...params } = searchParams(filter, r);
    const res = await this.client.index(this.indexUid).search<{ id: string }>(meiliQuery(r.tokens), params);
    const distribution = res.facetDistribution ?? {};
    const facets = [...new Set(r.facets)];
    const labels = await this.labels(facets, distribution);
    return {
      // page/hitsPerPage: an exhaustive count (never the estimate of offset/limit paging).
      totalHits: (res as { totalHits?: number }).totalHits ?? 0,
      hits: res.hits.slice(skip).map((h) => ({ id: h.id, score: h._rankingScore ?? 0 })),
      facets: facets.map((facet) => ({
        facet,
        values: Object.entries(distribution[FACET_ATTRIBUTE[facet]] ?? {})
          .map(([value, count]): FacetValue => ({ value, count, label: labels(facet, value) }))
          .filter((v) => v.count > 0)
          .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)),
      })),
    };
  }

  private async labels(facets: LeadFacet[], distribution: Record<string, Record<string, number>>) {
    const values = (f: LeadFacet) => (facets.includes(f) ? Object.keys(distribution[FACET_ATTRIBUTE[f]] ?? {}) : []);
    const codes = Object.entries(FACET_CODE_KIND).map(([f, kind]) => ({ kind: kind!, codes: values(f as LeadFacet) }));
    const units = [...new Set([...values(LeadFacet.DISTRICT), ...values(LeadFacet.OWNER_UNIT)])];
    const known = await this.docs.labels(codes, units);
    return (facet: LeadFacet, value: string): string => {
      switch (facet) {
        case LeadFacet.STAGE:
          return STAGE_LABELS[value] ?? value;
        case LeadFacet.SHARING_SCOPE:
          return SCOPE_LABELS[value] ?? value;
        case LeadFacet.DISTRICT:
        case LeadFacet.OWNER_UNIT:
          return known.get(`unit:${value}`) ?? value;
        case LeadFacet.INDUSTRY:
        case LeadFacet.CAPITAL_SOURCE:
        case LeadFacet.ATTRACTION_MODE:
          return known.get(`${FACET_CODE_KIND[facet]}:${value}`) ?? value;
      }
    };
  }

  async suggest(actor: Actor, tokens: string[], limit: number): Promise<string[]> {
    const filter = filterExpression(actor, {});
    if (filter === null) return [];
    // Newest candidates first, like the PostgreSQL engine; only fields that themselves contain every token.
    const res = await this.client.index(this.indexUid).search<{ title: string; investorName: string }>(meiliQuery(tokens), {
      filter,
      limit: 200,
      sort: ['updatedAt:desc'],
      attributesToRetrieve: ['title', 'investorName'],
      matchingStrategy: 'all',
      locales: ['cmn', 'eng'],
    });
    const out: string[] = [];
    for (const h of res.hits) {
      for (const s of [h.title, h.investorName]) {
        const lower = s.normalize('NFKC').toLowerCase();
        if (!out.includes(s) && tokens.every((t) => lower.includes(t))) out.push(s);
      }
    }
    return out.slice(0, limit);
  }

  async stats(): Promise<EngineStats> {
    return { documents: (await this.client.index(this.indexUid).getStats()).numberOfDocuments };
  }

  async healthy(): Promise<boolean> {
    return (await this.client.health()).status === 'available';
  }

  /**
   * Fills a fresh index `<index>_reindex_<time>` from the database, swaps it with the live index in
   * one Meilisearch task (searches see the old or the new index, never a half-filled one), then
   * deletes the old documents. Leads changed while it filled are written again after the swap.
   */
  async reindex(source: (batchSize: number) => AsyncIterable<SearchDocument[]>, changedSince: (since: Date) => Promise<string[]>): Promise<ReindexResult> {
    const started = Date.now();
    const live = this.indexUid;
    const next = `${live}_reindex_${started}`;
    await this.applySettings(next);
    let documents = 0;
    try {
      for await (const batch of source(this.batchSize)) {
        await this.upsert(batch, next);
        documents += batch.length;
      }
      if (!(await this.indexExists(live))) await this.wait(`create index ${live}`, this.client.createIndex(live, { primaryKey: 'id' }));
      await this.wait(`swap ${live} and ${next}`, this.client.swapIndexes([{ indexes: [live, next], rename: false }]));
    } catch (err) {
      await this.wait(`delete index ${next}`, this.client.deleteIndex(next)).catch(() => undefined);
      throw err;
    }
    // `next` now holds the old documents.
    await this.wait(`delete index ${next}`, this.client.deleteIndex(next));
    // The consumer kept writing to the old index meanwhile: bring those leads over (1 s of clock slack).
    await this.sync(await changedSince(new Date(started - 1000)));
    this.logger.log({ msg: 'reindexed', index: live, documents, ms: Date.now() - started });
    return { index: live, documents, ms: Date.now() - started };
  }

  /** Every document's id and digest in the index, a page at a time. */
  async indexedRevisions(uid = this.indexUid): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const index = this.client.index<{ id: string; rev: string }>(uid);
    for (let offset = 0; ; offset += this.batchSize) {
      const page = await index.getDocuments({ fields: ['id', 'rev'], limit: this.batchSize, offset });
      for (const d of page.results) out.set(d.id, d.rev);
      if (page.results.length < this.batchSize) return out;
    }
  }

  /**
   * Compares the index with the database — ids and each document's digest (which covers updated_at,
   * version and every visibility fact, so an org unit that moved shows up too) — and repairs drift.
   */
  async reconcile(source: (batchSize: number) => AsyncIterable<SearchDocument[]>): Promise<ReconcileResult> {
    const indexed = await this.indexedRevisions();
    let checked = 0;
    let upserted = 0;
    for await (const batch of source(this.batchSize)) {
      checked += batch.length;
      const stale = batch.filter((d) => indexed.get(d.id) !== d.rev);
      for (const d of batch) indexed.delete(d.id);
      await this.upsert(stale);
      upserted += stale.length;
    }
    const gone = [...indexed.keys()];
    await this.remove(gone);
    if (upserted || gone.length) this.logger.warn({ msg: 'search index drift repaired', index: this.indexUid, upserted, deleted: gone.length });
    return { checked, upserted, deleted: gone.length };
  }
}
