import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type Actor,
  StateConflictException,
  FieldErrors,
  AccessDeniedException,
  EntityNotFoundException,
  Role,
  isUuid,
  pathIds,
  roleAtLeast,
} from '@zs/common';
import { DomainEventType, OutboxService } from '@zs/outbox';
import { LeadRepository } from '../lead.repository';
import { type ConflictPlacement, ConflictRepository, type KnownConflictRow } from './conflict.repository';
import { ConflictMatch, ConflictStatus, type ConflictResolution, type LeadConflictEntity } from './conflict.entity';

export interface ConflictSubject {
  id: string;
  ownerUnitId: string;
  ownerPath: string;
  investorNameNorm: string;
  investorUscc: string | null;
}

/** Nearest common ancestor of two units, from their materialized paths. */
export function nearestCommonAncestor(pathA: string, pathB: string): string {
  const a = pathIds(pathA);
  const b = pathIds(pathB);
  let last = a[0];
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) last = a[i];
  return last;
}

/** The materialized path of the nearest common ancestor of two units' paths. */
export function nearestCommonAncestorPath(pathA: string, pathB: string): string {
  const a = pathIds(pathA);
  const b = pathIds(pathB);
  let n = 0;
  while (n < Math.min(a.length, b.length) && a[n] === b[n]) n++;
  return `/${a.slice(0, Math.max(n, 1)).join('/')}/`;
}

@Injectable()
export class ConflictService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly conflicts: ConflictRepository,
    private readonly leads: LeadRepository,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Runs inside the transaction that created the lead or changed its investor. One case per
   * investor cluster, owned by the nearest common ancestor of its members' owners: the lead joins
   * the open case of the open leads of other units with its investor (one member row, whatever the
   * case's size); a lead that links several open cases merges them into the oldest; matching leads
   * in no open case join too (or open a new case with the lead). Returns the number of leads that
   * joined a case.
   */
  async detect(tx: EntityManager, actor: Actor, lead: ConflictSubject): Promise<number> {
    await this.conflicts.lockInvestor(tx, lead.investorNameNorm, lead.investorUscc);
    const { cases, fresh } = await this.place(tx, lead);
    const joinsVia = cases.filter((c) => c.candidateMatch !== null);
    if (joinsVia.length === 0 && fresh.length === 0) return 0; // no other unit's lead: nothing new
    // The lead's own match: USCC when some lead of another unit shares its USCC.
    const leadMatch =
      joinsVia.some((c) => c.candidateMatch === ConflictMatch.USCC) || fresh.some((f) => f.match === ConflictMatch.USCC)
        ? ConflictMatch.USCC
        : ConflictMatch.NAME;
    const paths = [lead.ownerPath, ...cases.map((c) => c.coordinatorPath), ...fresh.map((f) => f.ownerPath)];
    const coordinator = paths.reduce((a, b) => nearestCommonAncestorPath(a, b));
    const coordinatorId = pathIds(coordinator).at(-1)!;
    // The weakest link names the case: NAME as soon as one member is in it by name only.
    const weakest = [leadMatch, ...cases.map((c) => c.match), ...fresh.map((f) => f.match)].includes(ConflictMatch.NAME)
      ? ConflictMatch.NAME
      : ConflictMatch.USCC;

    let conflictId: string;
    const merged: string[] = [];
    if (cases.length === 0) {
      conflictId = await this.conflicts.createCase(tx, weakest, coordinatorId);
    } else {
      const [oldest, ...others] = cases;
      conflictId = oldest.id;
      merged.push(...others.map((c) => c.id));
      if (merged.length > 0) await this.conflicts.merge(tx, conflictId, merged);
      if (coordinatorId !== pathIds(oldest.coordinatorPath).at(-1) || weakest !== oldest.match) {
        await this.conflicts.updateCase(tx, conflictId, coordinatorId, weakest);
      }
    }
    const joined = await this.conflicts.addMembers(tx, conflictId, [
      { leadId: lead.id, match: leadMatch },
      ...fresh.map((f) => ({ leadId: f.id, match: f.match })),
    ]);
    if (joined.length === 0 && merged.length === 0) return 0;
    // The system detected it: naming the user whose save triggered it would tell the other side who
    // chases its investor. The entry names the case so its readers are those of the notice. Members
    // already in the case learn of the newcomer from their notice, not from a history row each.
    await this.leads.insertHistoryForLeads(tx, joined, 'CONFLICT_DETECTED', 'system', null, conflictId);
    await this.outbox.record(tx, actor, DomainEventType.ConflictDetected, lead.id, {
      conflictId,
      leadIds: joined,
      coordinatingUnitId: coordinatorId,
      match: weakest,
      ...(merged.length > 0 ? { mergedConflictIds: merged } : {}),
    });
    return joined.length;
  }

  /**
   * The lead's placement with its cases locked (current coordinating unit and match). Two saves of
   * one cluster under different investor keys (its names, its USCC) do not share the advisory lock;
   * the case row lock orders them, and a case merged away meanwhile sends us round again.
   */
  private async place(tx: EntityManager, lead: ConflictSubject): Promise<ConflictPlacement> {
    for (let round = 0; ; round++) {
      const placement = await this.conflicts.findPlacement(tx, lead.id, lead.ownerUnitId, lead.investorNameNorm, lead.investorUscc);
      if (placement.cases.length === 0) return placement;
      const locked = new Map((await this.conflicts.lockCases(tx, placement.cases.map((c) => c.id))).map((c) => [c.id, c]));
      const cases = placement.cases.filter((c) => locked.has(c.id)).map((c) => ({ ...c, ...locked.get(c.id)! }));
      if (cases.length === placement.cases.length || round === 2) return { ...placement, cases };
    }
  }

  async resolve(actor: Actor, id: string, resolution: ConflictResolution, note: string | null | undefined): Promise<LeadConflictEntity> {
    const errors = new FieldErrors();
    if (note && note.length > 2000) errors.add('note', 'must be at most 2000 characters');
    errors.throwIfAny();
    if (actor.kind !== 'user' || !isUuid(id)) throw new EntityNotFoundException('Conflict');
    return this.db.transaction(async (tx) => {
      const conflict = await this.conflicts.lockKnownTo(tx, id, actor);
      if (!conflict) throw new EntityNotFoundException('Conflict');
      if (!conflict.coordinator || !roleAtLeast(actor.role, Role.MANAGER)) {
        throw new AccessDeniedException('Conflicts are resolved by managers of the coordinating unit');
      }
      if (conflict.status === ConflictStatus.RESOLVED) throw new StateConflictException('The conflict is already resolved');
      // `id` may be a notice's id (a case merged since): the decision is the case's.
      const caseId = conflict.id;
      await this.conflicts.resolve(tx, caseId, resolution, note?.trim() || null, actor.id);
      const leadIds = (await this.conflicts.membersOf([caseId], tx)).map((m) => m.leadId);
      await this.leads.insertHistoryForLeads(tx, leadIds, 'CONFLICT_RESOLVED', actor, `${resolution}${note ? `: ${note}` : ''}`, caseId);
      await this.outbox.record(tx, actor, DomainEventType.ConflictResolved, leadIds[0], {
        conflictId: caseId,
        leadIds,
        resolution,
      });
      return (await this.conflicts.findById(caseId, tx))!;
    });
  }

  page(actor: Actor, status: ConflictStatus | null, limit: number, after: [string, string] | null) {
    if (actor.kind !== 'user') return Promise.resolve({ rows: [] as LeadConflictEntity[], total: 0 });
    return this.conflicts.pageForCoordinator(actor.unitPath, status, limit, after);
  }

  /** Conflicts of several leads as `actor` may know them (see knownConflict), one row per lead and case. */
  knownForLeads(actor: Actor, leadIds: readonly string[]): Promise<KnownConflictRow[]> {
    return this.conflicts.knownForLeads(actor, leadIds);
  }

  /** Member lead ids of cases; callers show them only through the lead visibility rule. */
  membersOf(conflictIds: readonly string[]): Promise<{ conflictId: string; leadId: string }[]> {
    return this.conflicts.membersOf(conflictIds);
  }
}
