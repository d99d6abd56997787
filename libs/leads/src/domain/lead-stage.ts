export enum LeadStage {
  LEAD = 'LEAD',
  NEGOTIATING = 'NEGOTIATING',
  SIGNED = 'SIGNED',
  LANDED = 'LANDED',
  OPERATING = 'OPERATING',
  ON_HOLD = 'ON_HOLD',
  LOST = 'LOST',
}

/** The funnel, in order: 线索 → 洽谈 → 签约 → 落地 → 投产. */
export const FUNNEL: readonly LeadStage[] = [
  LeadStage.LEAD,
  LeadStage.NEGOTIATING,
  LeadStage.SIGNED,
  LeadStage.LANDED,
  LeadStage.OPERATING,
];

/** Stages from which a lead can still be put on hold or lost. */
export function isOpen(stage: LeadStage): boolean {
  return stage !== LeadStage.LOST && stage !== LeadStage.OPERATING;
}

export type Transition =
  | { kind: 'FORWARD' }
  | { kind: 'HOLD' }
  | { kind: 'RESUME' }
  | { kind: 'LOSE' }
  /** Moving back in the funnel or reopening a lost lead: managers of the owning chain only. */
  | { kind: 'BACKWARD' }
  | { kind: 'REOPEN' }
  | { kind: 'INVALID'; reason: string };

/**
 * Classifies a requested stage change. `beforeHold` is the stage an ON_HOLD lead left, the only one
 * it resumes to (resuming elsewhere counts as moving it).
 */
export function classifyTransition(from: LeadStage, to: LeadStage, beforeHold: LeadStage | null): Transition {
  if (from === to) return { kind: 'INVALID', reason: `the lead is already ${to}` };
  if (to === LeadStage.ON_HOLD) {
    return isOpen(from) ? { kind: 'HOLD' } : { kind: 'INVALID', reason: `a ${from} lead cannot be put on hold` };
  }
  if (to === LeadStage.LOST) {
    return isOpen(from) || from === LeadStage.ON_HOLD
      ? { kind: 'LOSE' }
      : { kind: 'INVALID', reason: `a ${from} lead cannot be lost` };
  }
  if (from === LeadStage.LOST) return { kind: 'REOPEN' };
  const fromIndex = FUNNEL.indexOf(from === LeadStage.ON_HOLD ? (beforeHold ?? LeadStage.LEAD) : from);
  const toIndex = FUNNEL.indexOf(to);
  if (from === LeadStage.ON_HOLD) {
    if (toIndex === fromIndex) return { kind: 'RESUME' };
    return toIndex < fromIndex
      ? { kind: 'BACKWARD' }
      : { kind: 'INVALID', reason: `an ON_HOLD lead resumes to ${FUNNEL[fromIndex]} before moving on` };
  }
  if (toIndex === fromIndex + 1) return { kind: 'FORWARD' };
  if (toIndex < fromIndex) return { kind: 'BACKWARD' };
  return { kind: 'INVALID', reason: `stages advance one step at a time (${from} → ${FUNNEL[fromIndex + 1]})` };
}
