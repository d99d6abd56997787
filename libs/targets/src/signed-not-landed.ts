import { LeadStage } from '@zs/leads';

/** The one 签约未落地 rule: SIGNED (not yet LANDED) and signed before `cutoff`. */
export function signedNotLandedCutoff(months: number, now = new Date()): Date {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

export function isSignedNotLanded(lead: { stage: LeadStage; signedAt: Date | null }, cutoff: Date): boolean {
  return lead.stage === LeadStage.SIGNED && lead.signedAt !== null && new Date(lead.signedAt).getTime() < cutoff.getTime();
}

/** The same rule as a `leads` filter (LeadFilter), so lists and counts go through LeadRepository. */
export function signedNotLandedFilter(cutoff: Date): { stages: LeadStage[]; signedTo: Date } {
  return { stages: [LeadStage.SIGNED], signedTo: cutoff };
}
