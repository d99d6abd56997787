/**
 * The test's own model of "who sees what" (docs/leads-api.md), written from the rules and kept
 * independent of libs/leads: the matrix compares the API against it.
 */
import type { Actor } from './actors';
import { roleRank } from './actors';
import type { OrgTree } from './org-tree';

export type Scope = 'PRIVATE' | 'DISTRICT' | 'CITY' | 'PUBLIC';
export const SCOPES: Scope[] = ['PRIVATE', 'DISTRICT', 'CITY', 'PUBLIC'];
export const SCOPE_RANK: Record<Scope, number> = { PRIVATE: 0, DISTRICT: 1, CITY: 2, PUBLIC: 3 };

export interface LeadState {
  id: string;
  code: string;
  label: string;
  owner: string;
  scope: Scope;
  /** Units in assignedUnits (via assignLead or an accepted referral). */
  assigned: Set<string>;
  /** Units with a pending referral of the lead. */
  pending: Set<string>;
  uscc: string | null;
  /** Strings only the owner and assigned chains may ever receive (contacts, USCCs, activity text). */
  secrets: string[];
  stage: string;
  version: number;
  investmentAmount: string | null;
  expectedJobs: number | null;
  createdAt: Date;
  signedAt: Date | null;
  landedAt: Date | null;
}

export interface ConflictState {
  id: string;
  leads: [string, string];
  coordinator: string;
  status: 'OPEN' | 'RESOLVED';
}

export interface ReferralState {
  id: string;
  leadId: string;
  from: string;
  to: string;
  status: 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'WITHDRAWN';
}

export type WriteOutcome = 'OK' | 'FORBIDDEN' | 'NOT_FOUND' | 'EITHER';

const hasScope = (a: Actor, s: string): boolean => a.kind === 'api' && a.scopes.includes(s);

export class Oracle {
  constructor(readonly tree: OrgTree) {}

  private inChainOf(unit: string, of: string): boolean {
    return this.tree.isSelfOrAncestor(unit, of);
  }

  /** Owner chain: the owner unit or an ancestor of it. */
  inOwnerChain(a: Actor, l: LeadState): boolean {
    return a.kind === 'user' && this.inChainOf(a.unit, l.owner);
  }

  inAssignedChain(a: Actor, l: LeadState): boolean {
    return a.kind === 'user' && [...l.assigned].some((u) => this.inChainOf(a.unit, u));
  }

  canSee(a: Actor, l: LeadState): boolean {
    if (a.kind === 'api') {
      if (hasScope(a, 'leads:read') && l.scope === 'PUBLIC') return true;
      return hasScope(a, 'leads:write') && l.owner === a.unit;
    }
    if (this.inOwnerChain(a, l) || this.inAssignedChain(a, l)) return true;
    if ([...l.pending].some((u) => this.inChainOf(a.unit, u))) return true;
    if (l.scope === 'CITY' || l.scope === 'PUBLIC') return true;
    if (l.scope === 'DISTRICT') {
      const d = this.tree.districtOf(l.owner);
      return d !== null && this.inChainOf(d, a.unit);
    }
    return false;
  }

  /** Contacts, USCC, activities and conflict notices: owner and assigned chains only, never API clients. */
  seesDetail(a: Actor, l: LeadState): boolean {
    return a.kind === 'user' && (this.inOwnerChain(a, l) || this.inAssignedChain(a, l));
  }

  canEdit(a: Actor, l: LeadState): boolean {
    if (a.kind === 'api') return hasScope(a, 'leads:write') && l.owner === a.unit;
    const units = [l.owner, ...l.assigned];
    if (roleRank(a.role) >= roleRank('OFFICER') && units.includes(a.unit)) return true;
    return roleRank(a.role) >= roleRank('MANAGER') && units.some((u) => this.tree.isStrictAncestor(a.unit, u));
  }

  /** Moving backwards, reopening, narrowing: MANAGER and above of the owner unit or its ancestors. */
  canManageOwnerChain(a: Actor, l: LeadState): boolean {
    return a.kind === 'user' && roleRank(a.role) >= roleRank('MANAGER') && this.inOwnerChain(a, l);
  }

  /** referLead: the owner chain offers the lead (editors of the owner chain, or a write client of the owner unit). */
  canRefer(a: Actor, l: LeadState): boolean {
    if (a.kind === 'api') return this.canEdit(a, l);
    if (!this.inOwnerChain(a, l)) return false;
    return a.unit === l.owner ? roleRank(a.role) >= roleRank('OFFICER') : roleRank(a.role) >= roleRank('MANAGER');
  }

  /** assignLead: a district or the city that may edit the lead, to a unit strictly below it. */
  canAssign(a: Actor, l: LeadState, target: string): boolean | 'EITHER' {
    if (a.kind === 'api') return this.canEdit(a, l) && this.tree.unit(a.unit).tier !== 'ZONE' ? 'EITHER' : false;
    const tier = this.tree.unit(a.unit).tier;
    if (tier === 'ZONE') return false;
    if (!this.canEdit(a, l) || !this.tree.isStrictAncestor(a.unit, target)) return false;
    // The contract names the tier, not the role: an OFFICER of an owning district may or may not assign.
    return roleRank(a.role) >= roleRank('MANAGER') ? true : 'EITHER';
  }

  /** Invisible → NOT_FOUND (exactly like a missing lead); visible → OK when allowed, else FORBIDDEN. */
  write(a: Actor, l: LeadState, allowed: boolean | 'EITHER'): WriteOutcome {
    if (!this.canSee(a, l)) return 'NOT_FOUND';
    if (allowed === 'EITHER') return 'EITHER';
    return allowed ? 'OK' : 'FORBIDDEN';
  }

  /**
   * A conflict as a reader of lead `l` (one of its leads) learns of it there: notice, hasConflict,
   * history entries. Owner and assigned chains of `l` only, and only when they may see the other
   * lead; otherwise nothing distinguishes it (docs/leads-api.md "Conflicts").
   */
  knowsConflictOn(a: Actor, c: ConflictState, l: LeadState, leads: Map<string, LeadState>): boolean {
    const other = leads.get(c.leads[0] === l.id ? c.leads[1] : c.leads[0])!;
    return this.seesDetail(a, l) && this.canSee(a, other);
  }

  /** The conflicts query: conflicts coordinated by the caller's unit or a unit below it; none for API clients. */
  seesConflict(a: Actor, c: ConflictState): boolean {
    return a.kind === 'user' && this.inChainOf(a.unit, c.coordinator);
  }

  /**
   * resolveConflict: MANAGER+ of the coordinating unit (or above) decides; VIEWERs there and the owners'
   * chains (who see the notice on their lead) are FORBIDDEN; everyone else NOT_FOUND. OFFICERs of the
   * coordinating chain are not specified by the contract.
   */
  resolveOutcome(a: Actor, c: ConflictState, leads: Map<string, LeadState>): WriteOutcome {
    if (this.seesConflict(a, c)) {
      if (a.kind === 'user' && roleRank(a.role) >= roleRank('MANAGER')) return 'OK';
      if (a.kind === 'user' && a.role === 'OFFICER') return 'EITHER';
      return 'FORBIDDEN';
    }
    const seesNotice = c.leads.some((id) => this.knowsConflictOn(a, c, leads.get(id)!, leads));
    return seesNotice ? 'FORBIDDEN' : 'NOT_FOUND';
  }

  /**
   * respondToReferral: OFFICER+ of the receiving unit answers. The two units of the referral see it
   * (FORBIDDEN otherwise); a unit that cannot see the lead, or an API client (referrals are listed for
   * users' units only), gets NOT_FOUND; anyone else (e.g. a manager above the receiver) is unspecified.
   */
  respondOutcome(a: Actor, r: ReferralState, lead: LeadState): WriteOutcome {
    // Referrals are listed per unit for users only: an API client never sees one.
    if (a.kind === 'api') return 'NOT_FOUND';
    if (a.unit === r.to) return roleRank(a.role) >= roleRank('OFFICER') ? 'OK' : 'FORBIDDEN';
    if (a.unit === r.from) return 'FORBIDDEN';
    if (!this.canSee(a, lead)) return 'NOT_FOUND';
    return 'EITHER';
  }

  /** Units of `tier` in the caller's subtree (the caller's unit included). */
  statsUnits(a: Actor, tier: 'DISTRICT' | 'ZONE'): string[] {
    return this.tree
      .all()
      .filter((u) => u.tier === tier && this.inChainOf(a.unit, u.code))
      .map((u) => u.code);
  }
}

/** Calendar year in Asia/Shanghai (UTC+8, no DST) — the year leadStats counts in. */
export function shanghaiYear(d: Date): number {
  return new Date(d.getTime() + 8 * 3600 * 1000).getUTCFullYear();
}

/** "1234.5" → 123450 (cents), exact for the 2-decimal amounts the tests use. */
export function cents(v: string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  const [i, f = ''] = v.split('.');
  return Number(i) * 100 + Number((f + '00').slice(0, 2));
}
