import { type Actor, ApiScope, pathIds } from '@zs/common';
import { districtPrefix } from './lead-visibility';

/**
 * Who may see a lead (`LeadAccess.visible` in lead-visibility.ts), written as data: a lead carries
 * audience tokens, a caller holds tokens, and the caller sees the lead when the two share one.
 * Search engines outside the database (Meilisearch filters) and notification recipients use these;
 * test/search-audience.e2e-spec.ts proves them equal to the SQL predicates over the visibility matrix.
 *
 * - `chain:<unit>`: every unit on the path of the owner, of each assigned unit and of each pending
 *   referral receiver (SQL: `… path LIKE caller.path || '%'`, i.e. the caller's unit is on that path).
 * - `district:<id>`: DISTRICT scope, the second unit of the owner's path (SQL: the caller's district prefix).
 * - `city`: CITY or PUBLIC scope, any user. `public`: PUBLIC scope, API clients with leads:read.
 * - `owner:<unit>`: the owner unit itself, for API clients with leads:write.
 */
export interface LeadAudienceFacts {
  ownerUnitId: string;
  ownerPath: string;
  sharingScope: string;
  assignedPaths: readonly string[];
  pendingReferralPaths: readonly string[];
}

export function leadAudienceTokens(f: LeadAudienceFacts): string[] {
  const tokens = new Set<string>();
  for (const p of [f.ownerPath, ...f.assignedPaths, ...f.pendingReferralPaths]) {
    for (const id of pathIds(p)) tokens.add(`chain:${id}`);
  }
  tokens.add(`owner:${f.ownerUnitId}`);
  if (f.sharingScope === 'CITY' || f.sharingScope === 'PUBLIC') tokens.add('city');
  if (f.sharingScope === 'PUBLIC') tokens.add('public');
  const ids = pathIds(f.ownerPath);
  if (f.sharingScope === 'DISTRICT' && ids.length >= 2) tokens.add(`district:${ids[1]}`);
  return [...tokens].sort();
}

export function callerAudienceTokens(actor: Actor): string[] {
  if (actor.kind === 'apiClient') {
    const out: string[] = [];
    if (actor.scopes.includes(ApiScope.LeadsRead)) out.push('public');
    if (actor.scopes.includes(ApiScope.LeadsWrite)) out.push(`owner:${actor.unitId}`);
    return out;
  }
  const out = [`chain:${actor.unitId}`, 'city'];
  const district = districtPrefix(actor);
  if (district) out.push(`district:${pathIds(district)[1]}`);
  return out;
}

export function audienceIntersects(lead: readonly string[], caller: readonly string[]): boolean {
  return caller.some((t) => lead.includes(t));
}
