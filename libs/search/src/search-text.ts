import { ValidationException } from '@zs/common';
import { normaliseInvestorName } from '@zs/leads';

/** Longest query accepted; titles are at most 200 characters, so longer queries cannot be meant. */
export const MAX_QUERY_LENGTH = 200;

// Same character classes as zs_search_terms (migration 1764460000000): Latin/digit words and CJK runs.
const CJK = '\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF';
const TOKEN = new RegExp(`[a-z0-9]+|[${CJK}]+`, 'gu');
const IS_CJK = new RegExp(`^[${CJK}]`, 'u');
// C0/C1 controls except tab, newline and carriage return, which a search box may paste.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

/** A parsed query: the tokens every match must contain, as LIKE patterns and as a tsquery. */
export interface ParsedQuery {
  /** Normalised, lower-case tokens; empty means "everything visible". */
  tokens: string[];
}

function normalise(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

export function tokenize(text: string): string[] {
  return normalise(text).match(TOKEN) ?? [];
}

/**
 * The tokens with a trailing legal-form suffix cut off, as normaliseInvestorName cuts it (that
 * function also drops spaces and punctuation, so its output is compared on the tokens' characters).
 */
function withoutLegalForm(query: string, tokens: string[]): string[] {
  const full = tokens.join('');
  const core = tokenize(normaliseInvestorName(query)).join('');
  if (core.length === 0 || core.length >= full.length || !full.startsWith(core)) return tokens;
  const out: string[] = [];
  let left = core.length;
  for (const t of tokens) {
    if (left <= 0) break;
    out.push(t.slice(0, left));
    left -= t.length;
  }
  return out;
}

/**
 * Validates and tokenizes a query. A legal-form suffix (股份有限公司, Co., Ltd.) is dropped the same
 * way investor names are compared, so "比亚迪股份有限公司" finds a lead of "比亚迪有限公司".
 */
export function parseQuery(query: string, path = 'query'): ParsedQuery {
  if (query.length > MAX_QUERY_LENGTH) throw ValidationException.field(path, `must be at most ${MAX_QUERY_LENGTH} characters`);
  if (CONTROL.test(query)) throw ValidationException.field(path, 'must not contain control characters');
  if (query.trim() === '') return { tokens: [] };
  const tokens = [...new Set(withoutLegalForm(query, tokenize(query)))];
  if (tokens.length === 0) throw ValidationException.field(path, 'must contain at least one letter, digit or Chinese character');
  return { tokens };
}

/**
 * The index-side filter for the tokens, mirroring zs_search_terms: a Latin word or a single CJK
 * character matches as a prefix of a term; a longer CJK run needs each of its bigrams.
 */
export function toTsquery(tokens: readonly string[]): string {
  const parts: string[] = [];
  for (const t of tokens) {
    if (!IS_CJK.test(t) || t.length === 1) {
      parts.push(`'${t}':*`);
      continue;
    }
    const chars = [...t];
    for (let i = 0; i + 1 < chars.length; i++) parts.push(`'${chars[i]}${chars[i + 1]}'`);
  }
  return parts.join(' & ');
}

/**
 * Whether the index terms can over-match: only a CJK run of three or more characters, whose bigrams
 * may occur apart. A bigram, a single character (prefix of a bigram or a run's last character) and a
 * Latin word prefix are exact as terms.
 */
export function needsRecheck(tokens: readonly string[]): boolean {
  return tokens.some((t) => IS_CJK.test(t) && [...t].length >= 3);
}

/** A token of exactly two CJK characters: one index term, matched exactly by it. */
export function isCjkBigram(token: string): boolean {
  return IS_CJK.test(token) && [...token].length === 2;
}

/** `%token%` for each token; tokens hold only letters, digits and CJK, so nothing needs escaping. */
export function likePatterns(tokens: readonly string[]): string[] {
  return tokens.map((t) => `%${t}%`);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The text with every token occurrence wrapped in `<mark>`, HTML-escaped, cut to a window of
 * `window` characters around the first match (with … where cut); null when nothing matches.
 */
export function highlight(text: string | null, tokens: readonly string[], window = Infinity): string | null {
  if (!text || tokens.length === 0) return null;
  const lower = normalise(text);
  // NFKC can change lengths (e.g. ligatures); then offsets would not line up with the original.
  const source = lower.length === text.length ? text : lower;
  const ranges: [number, number][] = [];
  for (const t of tokens) {
    for (let i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + t.length)) ranges.push([i, i + t.length]);
  }
  if (ranges.length === 0) return null;
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  let from = 0;
  let to = source.length;
  if (source.length > window) {
    from = Math.max(0, merged[0][0] - Math.floor(window / 3));
    to = Math.min(source.length, from + window);
  }
  let out = from > 0 ? '…' : '';
  let pos = from;
  for (const [s, e] of merged) {
    if (e <= from || s >= to) continue;
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    out += escapeHtml(source.slice(pos, a)) + '<mark>' + escapeHtml(source.slice(a, b)) + '</mark>';
    pos = b;
  }
  out += escapeHtml(source.slice(pos, to)) + (to < source.length ? '…' : '');
  return out;
}
