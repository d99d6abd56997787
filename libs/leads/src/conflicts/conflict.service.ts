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
import { ConflictRepository } from './conflict.repository';
import { ConflictStatus, type ConflictResolution, type LeadConflictEntity } from './conflict.entity';

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

@Injectable()
export class ConflictService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly conflicts: ConflictRepository,
    private readonly leads: LeadRepository,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Runs inside the transaction that created the lead or changed its investor: each open lead of
   * another unit with the same investor becomes a conflict owned by the units' nearest common ancestor.
   */
  async detect(tx: EntityManager, actor: Actor, lead: ConflictSubject): Promise<number> {
    await this.conflicts.lockInvestor(tx, lead.investorNameNorm, lead.investorUscc);
    const candidates = await this.conflicts.findCandidates(
      tx,
      lead.id,
      lead.ownerUnitId,
      lead.investorNameNorm,
      lead.investorUscc,
    );
    let created = 0;
    for (const other of candidates) {
      const coordinator = nearestCommonAncestor(lead.ownerPath, other.ownerPath);
      const id = await this.conflicts.insertIfAbsent(tx, lead.id, other.id, other.match, coordinator);
      if (!id) continue;
      created++;
      // The system detected it: naming the user whose save triggered it would tell the other side who
      // chases its investor. The entry names the conflict so its readers are those of the notice.
      for (const leadId of [lead.id, other.id]) {
        await this.leads.insertHistory(tx, leadId, 'CONFLICT_DETECTED', 'system', [], null, id);
      }
      await this.outbox.record(tx, actor, DomainEventType.ConflictDetected, lead.id, {
        conflictId: id,
        leadIds: [lead.id, other.id],
        coordinatingUnitId: coordinator,
        match: other.match,
      });
    }
    return created;
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
      await this.conflicts.resolve(tx, id, resolution, note?.trim() || null, actor.id);
      for (const leadId of [conflict.leadAId, conflict.leadBId]) {
        await this.leads.insertHistory(tx, leadId, 'CONFLICT_RESOLVED', actor, [], `${resolution}${note ? `: ${note}` : ''}`, id);
      }
      await this.outbox.record(tx, actor, DomainEventType.ConflictResolved, conflict.leadAId, {
        conflictId: id,
        leadIds: [conflict.leadAId, conflict.leadBId],
        resolution,
      });
      return (await this.conflicts.findById(id, tx))!;
    });
  }

  page(actor: Actor, status: ConflictStatus | null, limit: number, after: [string, string] | null) {
    if (actor.kind !== 'user') return Promise.resolve({ rows: [] as LeadConflictEntity[], total: 0 });
    return this.conflicts.pageForCoordinator(actor.unitPath, status, limit, after);
  }

  /** Conflicts of several leads as `actor` may know them (see knownConflict), as [leadId, conflict] pairs. */
  knownForLeads(actor: Actor, leadIds: readonly string[]): Promise<(LeadConflictEntity & { leadId: string })[]> {
    return this.conflicts.knownForLeads(actor, leadIds);
  }
}
