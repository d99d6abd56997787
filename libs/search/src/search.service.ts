import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Actor, FieldErrors, type GqlContext, isUuid } from '@zs/common';
import { LeadLoader, type LeadFilter, type VisibleLead } from '@zs/leads';
import { LeadSearchSort, SEARCH_ENGINES, type EngineResult, type LeadFacet, type SearchEngine, type SearchRequest } from './search-engine';
import { highlight, parseQuery } from './search-text';
import { LeadSearchField, type LeadSearchResultModel, type SearchHighlightModel } from './search.model';

export const MAX_SEARCH_PAGE = 100;
/** Deeper paging is what `leads` with cursors is for. */
export const MAX_SEARCH_WINDOW = 1000;
export const MAX_SUGGEST = 20;

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
 * then PostgreSQL): a failing engine is logged and the next one answers.
 */
@Injectable()
export class SearchService {
  private readonly log = new Logger('Search');

  constructor(
    @Inject(SEARCH_ENGINES) private readonly engines: SearchEngine[],
    private readonly loader: LeadLoader,
  ) {}

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
  private async firstAnswer<T>(op: (e: SearchEngine) => Promise<T>): Promise<{ engine: SearchEngine; value: T }> {
    for (const [i, engine] of this.engines.entries()) {
      try {
        return { engine, value: await op(engine) };
      } catch (err) {
        if (i === this.engines.length - 1) throw err;
        this.log.warn(`search engine ${engine.kind} failed, falling back: ${(err as Error).message}`);
      }
    }
    throw new Error('no search engine configured');
  }

  async search(ctx: GqlContext, actor: Actor, args: SearchArgs): Promise<LeadSearchResultModel> {
    const { tokens, request } = this.validate(args);
    const { engine, value } = await this.firstAnswer<EngineResult>((e) => e.search(actor, { ...request, tokens }));
    // Reloaded through the visibility-checked loader: a stale index may hide a lead, never show one.
    const leads = await this.loader.visible(ctx, actor).loadMany(value.hits.map((h) => h.id));
    const hits = value.hits.flatMap((h, i) => {
      const lead = leads[i];
      if (!lead || lead instanceof Error) return [];
      return [{ lead, score: h.score, highlights: highlightsOf(lead, tokens) }];
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
    return (await this.firstAnswer((e) => e.suggest(actor, tokens, limit))).value;
  }
}
