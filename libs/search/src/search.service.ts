import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { type Actor, FieldErrors, type GqlContext, isUuid } from '@zs/common';
import { MetricsService, ReadinessService } from '@zs/ops';
import { LeadLoader, type LeadFilter, type VisibleLead } from '@zs/leads';
import { LeadSearchSort, SEARCH_ENGINES, type EngineResult, type LeadFacet, type SearchEngine, type SearchRequest } from './search-engine';
import { highlight, parseQuery } from './search-text';
import { LeadSearchField, type LeadSearchResultModel, type SearchHighlightModel } from './search.model';

export const MAX_SEARCH_PAGE = 100;
/** Deeper paging is what `leads` with cursors is for. */
export const MAX_SEARCH_WINDOW = 1000;
export const MAX_SUGGEST = 20;
/** After an engine failed, it is skipped this long (its searches go straight to the next engine). */
export const ENGINE_RETRY_AFTER_MS = 5000;
/** Readiness reports search as degraded for this long after the last fallback. */
export const DEGRADED_FOR_MS = 60_000;

export interface SearchArgs {
  query: string;
  filter?: LeadFilter | null;
  sort?: LeadSearchSort | null;
  first?: number | null;
  offset?: number | null;
  facets?: LeadFacet[] | null;
}

function highlightsOf(lead: VisibleLead, tokens: string[]): SearchHighlightModel[] {
  const out: SearchHighlightModel[] = [];
  const add = (field: LeadSearchField, text: string | null, window?: number) => {
    const snippet = highlight(text, tokens, window);
    if (snippet) out.push({ field, snippet });
  };
  add(LeadSearchField.TITLE, lead.title);
  add(LeadSearchField.INVESTOR_NAME, lead.investorName);
  add(LeadSearchField.SUMMARY, lead.summary, 120);
  add(LeadSearchField.DESCRIPTION, lead.description, 120);
  return out;
}

/**
 * Search over the leads a caller may see. Engines are tried in order (Meilisearch when configured,
 * then PostgreSQL): a failing or timing-out engine is logged, counted (zs_search_fallbacks_total),
 * skipped for ENGINE_RETRY_AFTER_MS, and the next one answers; `engine` in the result names the one
 * that did, and /ready reports `search` degraded for DEGRADED_FOR_MS after a fallback. A request an
 * engine cannot answer exactly (supports() false) goes to the next one without counting as a fallback.
 */
@Injectable()
export class SearchService {
  private readonly log = new Logger('Search');
  private readonly served: Counter<'engine' | 'op'>;
  private readonly fallbacks: Counter<'engine' | 'reason'>;
  private readonly downUntil = new Map<string, number>();
  private lastFallback: { at: number; engine: string; error: string } | null = null;

  constructor(
    @Inject(SEARCH_ENGINES) private readonly engines: SearchEngine[],
    private readonly loader: LeadLoader,
    metrics: MetricsService,
    @Optional() readiness?: ReadinessService,
  ) {
    this.served = metrics.counter('zs_search_requests_total', 'Searches (op=search) and suggestions (op=suggest) answered, by the engine that answered', [
      'engine',
      'op',
    ]);
    this.fallbacks = metrics.counter(
      'zs_search_fallbacks_total',
      'Searches a configured engine did not answer so the next one (PostgreSQL) did, by engine and reason (error, timeout, skipped while it recovers)',
      ['engine', 'reason'],
    );
    if (engines.length > 1) readiness?.registerOptional('search', async () => this.assertNotDegraded());
  }

  private async assertNotDegraded(): Promise<void> {
    const f = this.lastFallback;
    if (f && Date.now() - f.at < DEGRADED_FOR_MS) {
      throw new Error(`${f.engine} failed ${Math.round((Date.now() - f.at) / 1000)} s ago, searches answered by PostgreSQL: ${f.error}`);
    }
  }

  private validate(args: SearchArgs): { tokens: string[]; request: Omit<SearchRequest, 'tokens'> } {
    const errors = new FieldErrors();
    let tokens: string[] = [];
    try {
      tokens = parseQuery(args.query).tokens;
    } catch (e) {
      for (const f of (e as { fields?: { path: string; message: string }[] }).fields ?? []) errors.add(f.path, f.message);
      if (!errors.any) throw e;
    }
    const first = args.first ?? 20;
    const offset = args.offset ?? 0;
    if (!Number.isInteger(first) || first < 1 || first > MAX_SEARCH_PAGE) errors.add('first', `must be between 1 and ${MAX_SEARCH_PAGE}`);
    if (!Number.isInteger(offset) || offset < 0) errors.add('offset', 'must be 0 or more');
    else if (offset + first > MAX_SEARCH_WINDOW) {
      errors.add('offset', `offset + first must be at most ${MAX_SEARCH_WINDOW}; page further with leads(after:)`);
    }
    const filter = args.filter ?? {};
    for (const [i, id] of (filter.ownerUnitIds ?? []).entries()) {
      if (!isUuid(id)) errors.add(`filter.ownerUnitIds.${i}`, 'is not a valid id');
    }
    errors.throwIfAny();
    return {
      tokens,
      request: { filter, sort: args.sort ?? LeadSearchSort.RELEVANCE, limit: first, offset, facets: args.facets ?? [] },
    };
  }

  /** Runs `op` on the first engine that answers; the last engine's failure is the caller's error. */
  private async firstAnswer<T>(
    op: 'search' | 'suggest',
    run: (e: SearchEngine) => Promise<T>,
    request?: SearchRequest,
  ): Promise<{ engine: SearchEngine; value: T }> {
    for (const [i, engine] of this.engines.entries()) {
      const last = i === this.engines.length - 1;
      if (!last) {
        if (request && engine.supports && !engine.supports(request)) continue;
        if (Date.now() < (this.downUntil.get(engine.kind) ?? 0)) {
          this.fallbacks.inc({ engine: engine.kind, reason: 'skipped' });
          continue;
        }
      }
      try {
        const value = await run(engine);
        this.served.inc({ engine: engine.kind, op });
        return { engine, value };
      } catch (err) {
        if (last) throw err;
        // The client wraps transport failures ("Request to … has failed"); the cause says why.
        const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
        const error = err instanceof Error ? `${err.message}${cause}` : String(err);
        const names = err instanceof Error ? `${err.name} ${err.cause instanceof Error ? err.cause.name : ''}` : '';
        const reason = /time ?out|timed out/i.test(`${names} ${error}`) ? 'timeout' : 'error';
        this.fallbacks.inc({ engine: engine.kind, reason });
        this.downUntil.set(engine.kind, Date.now() + ENGINE_RETRY_AFTER_MS);
        this.lastFallback = { at: Date.now(), engine: engine.kind, error };
        this.log.warn({ msg: 'search engine failed, falling back', engine: engine.kind, op, reason, error, retryAfterMs: ENGINE_RETRY_AFTER_MS });
      }
    }
    throw new Error('no search engine configured');
  }

  async search(ctx: GqlContext, actor: Actor, args: SearchArgs): Promise<LeadSearchResultModel> {
    const { tokens, request } = this.validate(args);
    const full: SearchRequest = { ...request, tokens };
    const { engine, value } = await this.firstAnswer<EngineResult>('search', (e) => e.search(actor, full), full);
    // Reloaded through the visibility-checked loader: a stale index may hide a lead, never show one.
    const leads = await this.loader.visible(ctx, actor).loadMany(value.hits.map((h) => h.id));
    const hits = value.hits.flatMap((h, i) => {
      const lead = leads[i];
      if (!lead || lead instanceof Error) return [];
      return [{ lead, score: h.score, highlights: highlightsOf(lead, value.tokens ?? tokens) }];
    });
    return { totalHits: value.totalHits, engine: engine.kind, hits, facets: value.facets };
  }

  async suggest(actor: Actor, prefix: string, first: number | null | undefined): Promise<string[]> {
    const errors = new FieldErrors();
    const limit = first ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SUGGEST) errors.add('first', `must be between 1 and ${MAX_SUGGEST}`);
    let tokens: string[] = [];
    try {
      tokens = parseQuery(prefix, 'prefix').tokens;
    } catch (e) {
      for (const f of (e as { fields?: { path: string; message: string }[] }).fields ?? []) errors.add(f.path, f.message);
      if (!errors.any) throw e;
    }
    errors.throwIfAny();
    if (tokens.length === 0) return [];
    return (await this.firstAnswer('suggest', (e) => e.suggest(actor, tokens, limit))).value;
  }
}
