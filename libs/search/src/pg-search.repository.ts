import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '@zs/common';
import { LeadRepository, SqlParams, leadAccess, type LeadFilter } from '@zs/leads';
import {
  LeadFacet,
  LeadSearchSort,
  SearchEngineKind,
  type EngineResult,
  type EngineStats,
  type FacetValue,
  type SearchEngine,
  type SearchRequest,
} from './search-engine';
import { isCjkBigram, likePatterns, needsRecheck, toTsquery } from './search-text';
import { correct, maxTypos } from './typo';

const COLS = 'l.code, l.title, l.investor_name, l.summary, l.description';
const TSV = `zs_search_tsv(${COLS})`;

// Per-field weights: title > investor name > summary > industry names > description; an exact code beats all.
const W = { code: 32, title: 16, investor: 8, summary: 4, industry: 2, description: 1 };

const ORDER: Record<LeadSearchSort, string> = {
  [LeadSearchSort.RELEVANCE]: 'score DESC, l.updated_at DESC, l.id DESC',
  [LeadSearchSort.CREATED_DESC]: 'l.created_at DESC, l.id DESC',
  [LeadSearchSort.UPDATED_DESC]: 'l.updated_at DESC, l.id DESC',
  [LeadSearchSort.INVESTMENT_DESC]: 'l.investment_amount DESC NULLS LAST, l.id DESC',
  [LeadSearchSort.EXPECTED_LANDING_ASC]: 'l.expected_landing_date ASC NULLS LAST, l.id DESC',
};

export const STAGE_LABELS: Record<string, string> = {
  LEAD: '线索',
  NEGOTIATING: '洽谈',
  SIGNED: '签约',
  LANDED: '落地',
  OPERATING: '投产',
  ON_HOLD: '搁置',
  LOST: '终止',
};
export const SCOPE_LABELS: Record<string, string> = { PRIVATE: '本单位', DISTRICT: '本区县', CITY: '全市', PUBLIC: '公开' };

/**
 * Facets grouped straight on the lead's column in one pass over the matched rows (GROUPING SETS);
 * labels are joined to the few grouped rows afterwards, never per lead.
 */
const GROUPED: Partial<Record<LeadFacet, string>> = {
  [LeadFacet.STAGE]: 'stage',
  [LeadFacet.SHARING_SCOPE]: 'sharing_scope',
  [LeadFacet.INDUSTRY]: 'industry_code',
  [LeadFacet.CAPITAL_SOURCE]: 'capital_source_code',
  // DISTRICT is summed from the owner-unit counts.
  [LeadFacet.OWNER_UNIT]: 'owner_unit_id',
  [LeadFacet.DISTRICT]: 'owner_unit_id',
};

const LABELLED: Partial<Record<LeadFacet, string>> = {
  [LeadFacet.STAGE]: `SELECT 'STAGE' AS f, g.v, NULL::text AS label, g.n FROM g WHERE g.col = 'stage'`,
  [LeadFacet.SHARING_SCOPE]: `SELECT 'SHARING_SCOPE', g.v, NULL, g.n FROM g WHERE g.col = 'sharing_scope'`,
  [LeadFacet.INDUSTRY]: `SELECT 'INDUSTRY', g.v, ci.name_zh, g.n FROM g
      LEFT JOIN code_item ci ON ci.kind = 'INDUSTRY' AND ci.code = g.v WHERE g.col = 'industry_code'`,
  [LeadFacet.CAPITAL_SOURCE]: `SELECT 'CAPITAL_SOURCE', g.v, ci.name_zh, g.n FROM g
      LEFT JOIN code_item ci ON ci.kind = 'CAPITAL_SOURCE' AND ci.code = g.v WHERE g.col = 'capital_source_code'`,
  [LeadFacet.OWNER_UNIT]: `SELECT 'OWNER_UNIT', g.v, u.name, g.n FROM g JOIN org_unit u ON u.id = g.v::uuid WHERE g.col = 'owner_unit_id'`,
  // The district is the second unit of the owner's path when that unit is a district.
  [LeadFacet.DISTRICT]: `SELECT 'DISTRICT', d.id::text, min(d.name), sum(g.n)::int FROM g JOIN org_unit u ON u.id = g.v::uuid
      JOIN org_unit d ON d.path = '/' || split_part(u.path, '/', 2) || '/' || split_part(u.path, '/', 3) || '/' AND d.tier = 'DISTRICT'
     WHERE g.col = 'owner_unit_id' GROUP BY d.id`,
  [LeadFacet.ATTRACTION_MODE]: `SELECT 'ATTRACTION_MODE', a.v, ci.name_zh, a.n
      FROM (SELECT am AS v, count(*)::int AS n FROM m, unnest(m.attraction_mode_codes) AS am GROUP BY am) a
      LEFT JOIN code_item ci ON ci.kind = 'ATTRACTION_MODE' AND ci.code = a.v`,
};

// LeadFilter fields filterSql turns into predicates on columns lead_search_posting also has.
const POSTING_FILTERS = new Set(['stages', 'industryCodes', 'capitalSourceCodes', 'attractionModeCodes', 'ownerUnitIds', 'includeDescendants', 'sharingScopes']);
// Sorts whose key the posting carries (RELEVANCE: its score, then updated_at and id).
const POSTING_SORTS = new Set([LeadSearchSort.RELEVANCE, LeadSearchSort.UPDATED_DESC]);

/**
 * The posting term that answers a request exactly (migration 1764873000000), or null: the empty
 * query (term '') or a single CJK bigram (its posting is exactly the leads containing it — the
 * LIKE recheck could not remove any), no industry name matched (that OR needs the lead row), and
 * a filter only on columns the posting carries.
 */
function postingTerm(tokens: string[], industries: string[], filter: LeadFilter): string | null {
  if (industries.length > 0) return null;
  for (const [k, v] of Object.entries(filter)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    if (!POSTING_FILTERS.has(k)) return null;
  }
  if (tokens.length === 0) return '';
  return tokens.length === 1 && isCjkBigram(tokens[0]) ? tokens[0] : null;
}

/**
 * The PostgreSQL engine: the index lives in the database (expression GIN over zs_search_tsv), so
 * there is nothing to keep in sync. Visibility and filters are exactly the `leads` predicates
 * (LeadRepository.filterSql over leadAccess).
 */
@Injectable()
export class PgSearchRepository implements SearchEngine {
  readonly kind = SearchEngineKind.POSTGRESQL;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly leads: LeadRepository,
  ) {}

  /** Industries whose Chinese or English name contains every token (a small code table). */
  private async industriesMatching(tokens: string[]): Promise<string[]> {
    if (tokens.length === 0) return [];
    const rows: { code: string }[] = await this.db.query(
      `SELECT code FROM code_item WHERE kind = 'INDUSTRY' AND lower(name_zh || ' ' || name_en) LIKE ALL($1::text[])`,
      [likePatterns(tokens)],
    );
    return rows.map((r) => r.code);
  }

  /** WHERE terms: visibility + filter + text match. */
  private where(actor: Actor, filter: LeadFilter, tokens: string[], industries: string[], p: SqlParams): string[] {
    const where = this.leads.filterSql(leadAccess(actor, p), filter, p, actor);
    if (tokens.length > 0) {
      // (terms ∧ LIKE) ∨ industry, written as (terms ∨ industry) ∧ (LIKE ∨ industry): the first half is the
      // index condition (a BitmapOr), the second a cheap filter. In the first form the planner re-evaluates
      // zs_search_tsv — tokenizing the whole row — for every candidate.
      const terms = `${TSV} @@ ${p.add(toTsquery(tokens))}::tsquery`;
      // The terms alone are exact unless a CJK run of 3+ characters must have its bigrams adjacent and in order.
      const like = needsRecheck(tokens) ? `zs_search_text(${COLS}) LIKE ALL(${p.add(likePatterns(tokens))}::text[])` : null;
      if (industries.length) {
        const industry = `l.industry_code = ANY(${p.add(industries)}::text[])`;
        where.push(`(${terms} OR ${industry})`);
        if (like) where.push(`(${like} OR ${industry})`);
      } else {
        where.push(terms);
        if (like) where.push(like);
      }
    }
    return where;
  }

  private score(tokens: string[], industries: string[], p: SqlParams): string {
    if (tokens.length === 0) return '0';
    const pats = `${p.add(likePatterns(tokens))}::text[]`;
    const field = (col: string, w: number) => `CASE WHEN lower(coalesce(${col}, '')) LIKE ALL(${pats}) THEN ${w} ELSE 0 END`;
    const parts = [
      `CASE WHEN lower(l.code) = ${p.add(tokens.join('-'))} THEN ${W.code} ELSE 0 END`,
      field('l.title', W.title),
      field('l.investor_name', W.investor),
      field('l.summary', W.summary),
      industries.length ? `CASE WHEN l.industry_code = ANY(${p.add(industries)}::text[]) THEN ${W.industry} ELSE 0 END` : '0',
      field('l.description', W.description),
    ];
    return parts.join(' + ');
  }

  /**
   * Typo pass: when nothing matched, each Latin token of 5+ characters that is no prefix of a known
   * word is replaced by the closest word of the leads' Latin vocabulary (lead_search_word, plus the
   * English industry names) within its typo budget, and the search runs once more.
   */
  async search(actor: Actor, r: SearchRequest): Promise<EngineResult> {
    const exact = await this.searchExact(actor, r);
    if (exact.totalHits > 0) return exact;
    const corrected = await this.corrected(r.tokens);
    if (!corrected) return exact;
    const fuzzy = await this.searchExact(actor, { ...r, tokens: corrected });
    return fuzzy.totalHits > 0 ? { ...fuzzy, tokens: corrected } : exact;
  }

  /** The tokens with typos corrected, or null when no token changed. */
  private async corrected(tokens: string[]): Promise<string[] | null> {
    const candidates = tokens.filter((t) => /^[a-z]/.test(t) && maxTypos(t.length) > 0);
    if (candidates.length === 0) return null;
    const minLen = Math.min(...candidates.map((t) => t.length)) - 2;
    const rows: { word: string }[] = await this.db.query(
      `SELECT word FROM lead_search_word WHERE len >= $1
       UNION SELECT m[1] FROM code_item ci, regexp_matches(lower(ci.name_en), '([a-z][a-z0-9]{3,39})', 'g') AS m
        WHERE ci.kind = 'INDUSTRY' AND length(m[1]) >= $1`,
      [minLen],
    );
    const vocabulary = rows.map((r) => r.word).sort();
    let changed = false;
    const out = tokens.map((t) => {
      if (!candidates.includes(t)) return t;
      const c = correct(t, vocabulary);
      if (!c) return t;
      changed = true;
      return c.token;
    });
    return changed ? [...new Set(out)] : null;
  }

  private async searchExact(actor: Actor, r: SearchRequest): Promise<EngineResult> {
    const industries = await this.industriesMatching(r.tokens);
    const from = 'FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id';

    // A term's postings carry the visibility, filter and facet columns (aliased `l`, so leadAccess and
    // filterSql apply unchanged): total, facets and the top page become index-only scans.
    const term = postingTerm(r.tokens, industries, r.filter);
    const posting = (p: SqlParams) => {
      const where = this.leads.filterSql(leadAccess(actor, p), r.filter, p, actor);
      where.unshift(`l.term = ${p.add(term)}::text`);
      return where;
    };

    const hp = new SqlParams();
    let hitsSql: string;
    if (term !== null && POSTING_SORTS.has(r.sort)) {
      const hitWhere = posting(hp);
      hitsSql = `SELECT l.id, l.score::float8 AS score FROM lead_search_posting l WHERE ${hitWhere.join(' AND ')}
        ORDER BY ${r.sort === LeadSearchSort.RELEVANCE ? 'l.score DESC, l.updated_at DESC, l.id DESC' : ORDER[r.sort]}
        LIMIT ${hp.add(r.limit)} OFFSET ${hp.add(r.offset)}`;
    } else {
      const hitWhere = this.where(actor, r.filter, r.tokens, industries, hp);
      const score = this.score(r.tokens, industries, hp);
      hitsSql = `SELECT l.id, (${score})::float8 AS score ${from} WHERE ${hitWhere.join(' AND ')}
        ORDER BY ${ORDER[r.sort]} LIMIT ${hp.add(r.limit)} OFFSET ${hp.add(r.offset)}`;
    }

    // Total and every facet from the matched set, grouped in one pass.
    const cp = new SqlParams();
    const source = term !== null ? 'FROM lead_search_posting l' : from;
    const countWhere = term !== null ? posting(cp) : this.where(actor, r.filter, r.tokens, industries, cp);
    const facets = [...new Set(r.facets)];
    const cols = [...new Set(facets.map((f) => GROUPED[f]).filter((c): c is string => c !== undefined))];
    const sets = ['()', ...cols.map((c) => `(${c})`)].join(', ');
    const which = cols.map((c) => `WHEN GROUPING(${c}) = 0 THEN '${c}'`).join(' ');
    const value = cols.map((c) => `WHEN GROUPING(${c}) = 0 THEN ${c}::text`).join(' ');
    const aggSql = `WITH m AS MATERIALIZED (
        SELECT l.stage, l.sharing_scope, l.industry_code, l.capital_source_code, l.attraction_mode_codes, l.owner_unit_id
        ${source} WHERE ${countWhere.join(' AND ')}),
      g AS (${
        cols.length
          ? `SELECT CASE ${which} ELSE 'total' END AS col, CASE ${value} END AS v, count(*)::int AS n FROM m GROUP BY GROUPING SETS (${sets})`
          : `SELECT 'total' AS col, NULL::text AS v, count(*)::int AS n FROM m`
      })
      SELECT 'TOTAL' AS f, NULL::text AS v, NULL::text AS label, g.n FROM g WHERE g.col = 'total'
      ${facets.map((f) => `UNION ALL (${LABELLED[f]})`).join('\n')}`;

    const [hits, agg] = await Promise.all([
      this.db.query(hitsSql, hp.values) as Promise<{ id: string; score: number }[]>,
      this.db.query(aggSql, cp.values) as Promise<{ f: string; v: string | null; label: string | null; n: number }[]>,
    ]);
    const byFacet = new Map<string, FacetValue[]>();
    let total = 0;
    for (const row of agg) {
      if (row.f === 'TOTAL') {
        total = row.n;
        continue;
      }
      if (row.v === null) continue;
      const label = row.label ?? (row.f === 'STAGE' ? STAGE_LABELS[row.v] : row.f === 'SHARING_SCOPE' ? SCOPE_LABELS[row.v] : null) ?? row.v;
      byFacet.set(row.f, [...(byFacet.get(row.f) ?? []), { value: row.v, label, count: row.n }]);
    }
    return {
      totalHits: total,
      hits: hits.map((h) => ({ id: h.id, score: Number(h.score) })),
      facets: facets.map((facet) => ({
        facet,
        values: (byFacet.get(facet) ?? []).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)),
      })),
    };
  }

  async suggest(actor: Actor, tokens: string[], limit: number): Promise<string[]> {
    const p = new SqlParams();
    const where = this.where(actor, {}, tokens, [], p);
    const pats = `${p.add(likePatterns(tokens))}::text[]`;
    // Candidates from the index, newest first; only fields that themselves contain the prefix are offered.
    const rows: { s: string }[] = await this.db.query(
      `SELECT s FROM (
         SELECT DISTINCT ON (s) s, updated_at FROM (
           SELECT unnest(ARRAY[l.title, l.investor_name]) AS s, l.updated_at
             FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id WHERE ${where.join(' AND ')}
             ORDER BY l.updated_at DESC LIMIT 200) c
          WHERE lower(s) LIKE ALL(${pats}) ORDER BY s, updated_at DESC) d
        ORDER BY updated_at DESC, s LIMIT ${p.add(limit)}`,
      p.values,
    );
    return rows.map((r) => r.s);
  }

  /** The index is an expression index over the row itself: always current. */
  async sync(): Promise<void> {}

  async stats(): Promise<EngineStats> {
    const rows: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM lead`);
    return { documents: rows[0].n };
  }

  async healthy(): Promise<boolean> {
    await this.db.query('SELECT 1');
    return true;
  }
}
