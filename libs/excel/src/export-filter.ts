import { FieldErrors } from '@zs/common';
import { LeadStage, type LeadFilter, SharingScope } from '@zs/leads';

const LISTS = ['industryCodes', 'capitalSourceCodes', 'attractionModeCodes', 'ownerUnitIds'] as const;
const DATES = ['createdFrom', 'createdTo', 'signedFrom', 'signedTo', 'landedFrom', 'landedTo'] as const;
const DECIMAL = /^\d{1,14}(\.\d{1,2})?$/;

/**
 * The `filter` query parameter of the exports: the JSON of a `leads` LeadFilter, checked here as
 * GraphQL would coerce it (enums, lists, dates), so nothing unchecked reaches SQL.
 */
export function parseLeadFilter(raw: unknown): LeadFilter {
  if (raw === undefined || raw === '') return {};
  const errors = new FieldErrors();
  let v: unknown;
  try {
    v = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    errors.add('filter', 'must be the JSON of a LeadFilter');
    errors.throwIfAny();
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    errors.add('filter', 'must be the JSON of a LeadFilter');
    errors.throwIfAny();
  }
  const o = v as Record<string, unknown>;
  const out: LeadFilter = {};
  const known = new Set<string>([...LISTS, ...DATES, 'stages', 'sharingScopes', 'includeDescendants', 'hasConflict', 'investmentMin', 'investmentMax', 'investorUscc']);
  for (const k of Object.keys(o)) if (!known.has(k)) errors.add(`filter.${k}`, 'is not a LeadFilter field');
  const strings = (k: string): string[] | undefined => {
    const x = o[k];
    if (x === undefined || x === null) return undefined;
    if (!Array.isArray(x) || x.some((s) => typeof s !== 'string' || s.length > 64)) {
      errors.add(`filter.${k}`, 'must be a list of strings');
      return undefined;
    }
    return x as string[];
  };
  for (const k of LISTS) out[k] = strings(k);
  const stages = strings('stages');
  if (stages?.some((s) => !(Object.values(LeadStage) as string[]).includes(s))) errors.add('filter.stages', 'has an unknown stage');
  else out.stages = stages as LeadStage[] | undefined;
  const scopes = strings('sharingScopes');
  if (scopes?.some((s) => !(Object.values(SharingScope) as string[]).includes(s))) errors.add('filter.sharingScopes', 'has an unknown scope');
  else out.sharingScopes = scopes as SharingScope[] | undefined;
  for (const k of DATES) {
    const x = o[k];
    if (x === undefined || x === null) continue;
    const d = typeof x === 'string' ? new Date(x) : null;
    if (!d || Number.isNaN(d.getTime())) errors.add(`filter.${k}`, 'must be a date-time');
    else out[k] = d;
  }
  for (const k of ['includeDescendants', 'hasConflict'] as const) {
    const x = o[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'boolean') errors.add(`filter.${k}`, 'must be true or false');
    else out[k] = x;
  }
  for (const k of ['investmentMin', 'investmentMax'] as const) {
    const x = o[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string' || !DECIMAL.test(x)) errors.add(`filter.${k}`, 'must be a decimal');
    else out[k] = x;
  }
  if (o.investorUscc !== undefined && o.investorUscc !== null) {
    if (typeof o.investorUscc !== 'string' || o.investorUscc.length > 18) errors.add('filter.investorUscc', 'must be a string');
    else out.investorUscc = o.investorUscc;
  }
  errors.throwIfAny();
  return out;
}
