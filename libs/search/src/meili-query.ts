import type { SearchParams, Settings } from 'meilisearch';
import type { Actor } from '@zs/common';
import { callerAudienceTokens, type LeadFilter } from '@zs/leads';
import { LeadFacet, LeadSearchSort, type SearchRequest } from './search-engine';

/**
 * Everything the Meilisearch adapter sends, as pure functions of the request (unit-tested in
 * meili-search.engine.spec.ts against an injected HTTP layer).
 */

const CJK = /^[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/u;

/** Ranked as the issue asks: title > investor name > summary > industry names > description; an exact code first. */
export const SEARCHABLE_ATTRIBUTES = [
  'code',
  'title',
  'titleTerms',
  'investorName',
  'investorTerms',
  'summary',
  'summaryTerms',
  'industryNames',
  'industryTerms',
  'description',
  'descriptionTerms',
];
const TERM_FIELDS = ['titleTerms', 'investorTerms', 'summaryTerms', 'industryTerms', 'descriptionTerms'];
const TEXT_FIELDS = ['title', 'investorName', 'summary', 'industryNames', 'description'];

/**
 * Totals must be exact (totalHits and facets count every visible match, not an estimate), and
 * Meilisearch caps them at maxTotalHits.
 */
export const MAX_TOTAL_HITS = 1_000_000;

export const FACET_ATTRIBUTE: Record<LeadFacet, string> = {
  [LeadFacet.STAGE]: 'stage',
  [LeadFacet.INDUSTRY]: 'industryCode',
  [LeadFacet.CAPITAL_SOURCE]: 'capitalSourceCode',
  [LeadFacet.ATTRACTION_MODE]: 'attractionModeCodes',
  [LeadFacet.DISTRICT]: 'districtId',
  [LeadFacet.OWNER_UNIT]: 'ownerUnitId',
  [LeadFacet.SHARING_SCOPE]: 'sharingScope',
};

export const SORT: Record<LeadSearchSort, string[] | undefined> = {
  // Relevance: the ranking rules, then updatedAt (a custom rule), as the PostgreSQL engine breaks ties.
  [LeadSearchSort.RELEVANCE]: undefined,
  [LeadSearchSort.CREATED_DESC]: ['createdAt:desc', 'id:desc'],
  [LeadSearchSort.UPDATED_DESC]: ['updatedAt:desc', 'id:desc'],
  // Documents without the attribute come last in either direction: NULLS LAST like SQL.
  [LeadSearchSort.INVESTMENT_DESC]: ['investmentAmount:desc', 'id:desc'],
  [LeadSearchSort.EXPECTED_LANDING_ASC]: ['expectedLanding:asc', 'id:desc'],
};

export const LEAD_INDEX_SETTINGS: Settings = {
  searchableAttributes: SEARCHABLE_ATTRIBUTES,
  // The document carries only what search needs; hits are reloaded from PostgreSQL anyway.
  displayedAttributes: ['id', 'title', 'investorName', 'updatedAt', 'rev'],
  filterableAttributes: [
    'id',
    'audience',
    'stage',
    'industryCode',
    'capitalSourceCode',
    'attractionModeCodes',
    'ownerUnitId',
    'ownerChain',
    'districtId',
    'sharingScope',
    'investmentAmount',
    'createdAt',
    'updatedAt',
    'signedAt',
    'landedAt',
  ],
  sortableAttributes: ['id', 'createdAt', 'updatedAt', 'investmentAmount', 'expectedLanding'],
  // `sort` first: an explicit sort orders the whole result like the SQL ORDER BY, relevance only breaks nothing.
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness', 'updatedAt:desc'],
  typoTolerance: {
    enabled: true,
    // Bigrams and codes are exact by construction; numbers (lead code digits, years) must not fuzz.
    disableOnAttributes: ['code', ...TERM_FIELDS],
    disableOnNumbers: true,
    minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
  },
  faceting: { maxValuesPerFacet: 1000, sortFacetValuesBy: { '*': 'count' } },
  pagination: { maxTotalHits: MAX_TOTAL_HITS },
  // Chinese text (and the Latin words beside it); without this a short Han string may be detected as Japanese.
  localizedAttributes: [{ attributePatterns: [...TEXT_FIELDS, ...TERM_FIELDS], locales: ['cmn', 'eng'] }],
};

/** A filter string literal: Meilisearch reads `"…"` with backslash escapes for `"` and `\`. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function inList(attribute: string, values: readonly string[]): string {
  return `${attribute} IN [${values.map(quote).join(', ')}]`;
}

function numberOf(v: string | number | Date): number | null {
  const n = v instanceof Date ? v.getTime() : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Filters Meilisearch cannot answer from the document (actor-dependent detail rules): PostgreSQL answers those. */
export function unsupportedFilter(filter: LeadFilter): string | null {
  if (filter.hasConflict !== null && filter.hasConflict !== undefined) return 'hasConflict';
  if (filter.investorUscc) return 'investorUscc';
  return null;
}

/**
 * The caller's visibility and the LeadFilter as one Meilisearch filter (an AND of these terms).
 * Visibility is always the first term: `audience IN [caller tokens]` (lead-audience.ts) — the data
 * form of leadAccess(actor).visible(). Null when the caller holds no token (sees nothing).
 */
export function filterExpression(actor: Actor, filter: LeadFilter): string[] | null {
  const tokens = callerAudienceTokens(actor);
  if (tokens.length === 0) return null;
  const terms = [inList('audience', tokens)];
  if (filter.stages?.length) terms.push(inList('stage', filter.stages));
  if (filter.industryCodes?.length) terms.push(inList('industryCode', filter.industryCodes));
  if (filter.capitalSourceCodes?.length) terms.push(inList('capitalSourceCode', filter.capitalSourceCodes));
  if (filter.attractionModeCodes?.length) terms.push(inList('attractionModeCodes', filter.attractionModeCodes));
  if (filter.ownerUnitIds?.length) terms.push(inList(filter.includeDescendants ? 'ownerChain' : 'ownerUnitId', filter.ownerUnitIds));
  if (filter.sharingScopes?.length) terms.push(inList('sharingScope', filter.sharingScopes));
  const cmp = (attribute: string, op: '>=' | '<=' | '<', v: string | Date | null | undefined) => {
    if (v === null || v === undefined || v === '') return;
    const n = numberOf(v);
    if (n !== null) terms.push(`${attribute} ${op} ${n}`);
  };
  cmp('investmentAmount', '>=', filter.investmentMin);
  cmp('investmentAmount', '<=', filter.investmentMax);
  cmp('createdAt', '>=', filter.createdFrom);
  cmp('createdAt', '<', filter.createdTo);
  cmp('signedAt', '>=', filter.signedFrom);
  cmp('signedAt', '<', filter.signedTo);
  cmp('landedAt', '>=', filter.landedFrom);
  cmp('landedAt', '<', filter.landedTo);
  return terms;
}

/**
 * The query string for parsed tokens: a CJK token of two characters is its bigram, a longer one a
 * phrase of its consecutive bigrams (`"精密 密铸 铸造"`: in order and adjacent, so exact as a
 * substring), a Latin word itself. Meilisearch treats only the last word as a prefix, so single CJK
 * characters (which must match as a prefix of a bigram) go last.
 */
export function meiliQuery(tokens: readonly string[]): string {
  const words: string[] = [];
  const singles: string[] = [];
  for (const t of tokens) {
    const chars = [...t];
    if (!CJK.test(t)) words.push(t);
    else if (chars.length === 1) singles.push(t);
    else if (chars.length === 2) words.push(t);
    else {
      const bigrams: string[] = [];
      for (let i = 0; i + 1 < chars.length; i++) bigrams.push(chars[i] + chars[i + 1]);
      words.push(`"${bigrams.join(' ')}"`);
    }
  }
  return [...words, ...singles].join(' ');
}

/**
 * Paging with exact totals: `page`/`hitsPerPage` makes Meilisearch count exhaustively (offset/limit
 * only estimates). An offset that is not a multiple of the page size asks for the first
 * offset + limit hits (≤ 1000 ids) and skips `skip` of them.
 */
export function paging(offset: number, limit: number): { page: number; hitsPerPage: number; skip: number } {
  if (offset % limit === 0) return { page: offset / limit + 1, hitsPerPage: limit, skip: 0 };
  return { page: 1, hitsPerPage: offset + limit, skip: offset };
}

export function searchParams(filter: string[], r: SearchRequest): SearchParams & { skip: number } {
  const { page, hitsPerPage, skip } = paging(r.offset, r.limit);
  const sort = SORT[r.sort];
  return {
    filter,
    page,
    hitsPerPage,
    skip,
    ...(sort ? { sort } : {}),
    ...(r.facets.length ? { facets: [...new Set(r.facets.map((f) => FACET_ATTRIBUTE[f]))] } : {}),
    attributesToRetrieve: ['id'],
    showRankingScore: true,
    // Every token must match, as in PostgreSQL.
    matchingStrategy: 'all',
    locales: ['cmn', 'eng'],
  };
}
