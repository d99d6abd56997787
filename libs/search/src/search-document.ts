import { createHash } from 'node:crypto';
import { pathIds } from '@zs/common';
import { leadAudienceTokens } from '@zs/leads';

/**
 * What an external engine (Meilisearch) stores of a lead: built from the current row, never
 * contacts, never the USCC. Times are epoch milliseconds (fractional: the row keeps microseconds,
 * and `createdFrom` compares like SQL does).
 */
export interface SearchDocument {
  id: string;
  code: string;
  title: string;
  investorName: string;
  summary: string | null;
  description: string | null;
  industryCode: string;
  /** zh and en names of the industry (search "航天" or "aerospace"). */
  industryNames: string;
  capitalSourceCode: string | null;
  attractionModeCodes: string[];
  stage: string;
  sharingScope: string;
  ownerUnitId: string;
  /** The owner and every unit above it: `ownerUnitIds` with includeDescendants. */
  ownerChain: string[];
  /** The district the owner lies in (DISTRICT facet); null for the city and city-level zones. */
  districtId: string | null;
  assignedUnitIds: string[];
  investmentAmount: number | null;
  expectedLanding: number | null;
  createdAt: number;
  updatedAt: number;
  signedAt: number | null;
  landedAt: number | null;
  version: number;
  /** Who may see it: lead-audience.ts tokens; every search filters on the caller's tokens. */
  audience: string[];
  // Overlapping CJK bigrams of each text field (see cjkTerms), one searchable field per source field
  // so attribute ranking still says which field matched.
  titleTerms: string;
  investorTerms: string;
  summaryTerms: string;
  industryTerms: string;
  descriptionTerms: string;
  /** Digest of everything above: reconcile compares it with the digest of a freshly built document. */
  rev: string;
}

/** One row of SearchDocumentRepository's query. */
export interface SearchDocumentRow {
  id: string;
  code: string;
  title: string;
  investorName: string;
  summary: string | null;
  description: string | null;
  industryCode: string;
  industryZh: string | null;
  industryEn: string | null;
  capitalSourceCode: string | null;
  attractionModeCodes: string[] | null;
  stage: string;
  sharingScope: string;
  ownerUnitId: string;
  ownerPath: string;
  districtId: string | null;
  assignedUnitIds: string[] | null;
  assignedPaths: string[] | null;
  pendingReferralPaths: string[] | null;
  investmentAmount: number | string | null;
  expectedLandingDate: string | null;
  createdAt: number | string;
  updatedAt: number | string;
  signedAt: number | string | null;
  landedAt: number | string | null;
  version: number;
}

// Same character classes as zs_search_terms (migration 1764460000000) and search-text.ts.
const CJK_RUN = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]+/gu;

/**
 * The CJK terms of a text, in text order: each run's overlapping bigrams, then its last character
 * (a one-character run is just itself). `待处理事项` → `待处 处理 理事 事项 项`. Meilisearch's Chinese
 * segmentation (jieba) turns 待处理 into one word and would miss 处理; the same bigrams on both sides
 * find it. Kept in order so a longer query can be a phrase of consecutive bigrams (see meiliQuery).
 */
export function cjkTerms(text: string | null | undefined): string {
  if (!text) return '';
  const out: string[] = [];
  for (const run of text.normalize('NFKC').match(CJK_RUN) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    out.push(chars[chars.length - 1]);
  }
  return out.join(' ');
}

const num = (v: number | string | null): number | null => (v === null || v === undefined ? null : Number(v));

export function buildSearchDocument(r: SearchDocumentRow): SearchDocument {
  const industryNames = [r.industryZh, r.industryEn].filter(Boolean).join(' ');
  const doc: Omit<SearchDocument, 'rev'> = {
    id: r.id,
    code: r.code,
    title: r.title,
    investorName: r.investorName,
    summary: r.summary,
    description: r.description,
    industryCode: r.industryCode,
    industryNames,
    capitalSourceCode: r.capitalSourceCode,
    attractionModeCodes: r.attractionModeCodes ?? [],
    stage: r.stage,
    sharingScope: r.sharingScope,
    ownerUnitId: r.ownerUnitId,
    ownerChain: pathIds(r.ownerPath),
    districtId: r.districtId,
    assignedUnitIds: [...(r.assignedUnitIds ?? [])].sort(),
    investmentAmount: num(r.investmentAmount),
    expectedLanding: r.expectedLandingDate ? Date.parse(`${r.expectedLandingDate.slice(0, 10)}T00:00:00Z`) : null,
    createdAt: Number(r.createdAt),
    updatedAt: Number(r.updatedAt),
    signedAt: num(r.signedAt),
    landedAt: num(r.landedAt),
    version: r.version,
    audience: leadAudienceTokens({
      ownerUnitId: r.ownerUnitId,
      ownerPath: r.ownerPath,
      sharingScope: r.sharingScope,
      assignedPaths: r.assignedPaths ?? [],
      pendingReferralPaths: r.pendingReferralPaths ?? [],
    }),
    titleTerms: cjkTerms(r.title),
    investorTerms: cjkTerms(r.investorName),
    summaryTerms: cjkTerms(r.summary),
    industryTerms: cjkTerms(industryNames),
    descriptionTerms: cjkTerms(r.description),
  };
  return { ...doc, rev: createHash('sha1').update(JSON.stringify(doc)).digest('base64url') };
}
