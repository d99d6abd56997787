import type { Actor } from '@zs/common';
import type { LeadFilter } from '@zs/leads';
import type { Queryable } from './search-document.repository';

export enum LeadFacet {
  STAGE = 'STAGE',
  INDUSTRY = 'INDUSTRY',
  CAPITAL_SOURCE = 'CAPITAL_SOURCE',
  ATTRACTION_MODE = 'ATTRACTION_MODE',
  DISTRICT = 'DISTRICT',
  OWNER_UNIT = 'OWNER_UNIT',
  SHARING_SCOPE = 'SHARING_SCOPE',
}

export enum LeadSearchSort {
  RELEVANCE = 'RELEVANCE',
  CREATED_DESC = 'CREATED_DESC',
  UPDATED_DESC = 'UPDATED_DESC',
  INVESTMENT_DESC = 'INVESTMENT_DESC',
  EXPECTED_LANDING_ASC = 'EXPECTED_LANDING_ASC',
}

export enum SearchEngineKind {
  POSTGRESQL = 'POSTGRESQL',
  MEILISEARCH = 'MEILISEARCH',
}

export interface SearchRequest {
  /** Tokens from parseQuery; empty lists everything visible. */
  tokens: string[];
  filter: LeadFilter;
  sort: LeadSearchSort;
  limit: number;
  offset: number;
  facets: LeadFacet[];
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export interface EngineHit {
  id: string;
  score: number;
}

export interface EngineResult {
  totalHits: number;
  /** The tokens that matched when the engine corrected typos (highlights use these); absent: the query's. */
  tokens?: string[];
  hits: EngineHit[];
  facets: { facet: LeadFacet; values: FacetValue[] }[];
}

export interface EngineStats {
  documents: number;
}

/**
 * The port every search engine implements. Every search is filtered by the caller's visibility
 * inside the engine, so totals and facets never count a lead the caller may not see.
 */
export interface SearchEngine {
  readonly kind: SearchEngineKind;
  search(actor: Actor, request: SearchRequest): Promise<EngineResult>;
  /** False when this engine cannot answer the request exactly (the next engine answers it). Default true. */
  supports?(request: SearchRequest): boolean;
  /** Titles and investor names of visible leads that contain every token. */
  suggest(actor: Actor, tokens: string[], limit: number): Promise<string[]>;
  /**
   * Brings the documents of these leads up to date with their rows (deleted rows: removed), reading
   * through `db` when given (an outbox delivery's transaction).
   */
  sync(leadIds: readonly string[], db?: Queryable): Promise<void>;
  stats(): Promise<EngineStats>;
  healthy(): Promise<boolean>;
}

export const SEARCH_ENGINES = Symbol('SEARCH_ENGINES');
