import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type Actor,
  StateConflictException,
  AccessDeniedException,
  EntityNotFoundException,
  Role,
  ValidationException,
  conflictOnDuplicate,
  isUuid,
  roleAtLeast,
} from '@zs/common';
import { OrgUnitRepository } from '@zs/org';
import { DomainEventType, OutboxService } from '@zs/outbox';
import { LeadRepository } from '../lead.repository';
import { AssignmentVia } from '../lead.entity';
import { requireLeadsWrite } from '../write-scope';
import { type UnitRef, activeUnit } from '../unit-ref';
import { ReferralRepository } from './referral.repository';
import { type ReferralDirection, type ReferralEntity, ReferralStatus } from './referral.entity';

function checkNote(path: string, note: string | null | undefined): string | null {
  if (note === null || note === undefined || note.trim() === '') return null;
  if (note.trim().length > 2000) throw ValidationException.field(path, 'must be at most 2000 characters');
  return note.trim();
}

@Injectable()
export class ReferralService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly referrals: ReferralRepository,
    private readonly leads: LeadRepository,
    private readonly units: OrgUnitRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** The owner chain offers its lead to another unit, which may see it while the offer is pending. */
  async refer(actor: Actor, leadId: string, toUnit: UnitRef, noteInput: string | null | undefined): Promise<ReferralEntity> {
    const note = checkNote('note', noteInput);
    if (!isUuid(leadId)) throw new EntityNotFoundException('Lead');
    const id = await this.db.transaction(async (tx) => {
      const lead = await this.leads.lockVisible(actor, leadId, tx);
      if (!lead) throw new EntityNotFoundException('Lead');
      requireLeadsWrite(actor);
      if (!lead.ownerChainEdit) {
        throw new AccessDeniedException('Only the owning units refer a lead');
      }
      return this.insertReferral(tx, actor, lead, actor.unitId, toUnit, note);
    });
    return (await this.referrals.findById(id))!;
  }

  /**
   * A referral the owner chain agreed to in advance: a matchmaking OFFER (libs/matchmaking) is the
   * offering unit's standing offer of its lead to whoever answers it. The referral is from
   * `fromUnitId`, which must still be on the lead's owner chain; the caller (who answers) need not
   * see the lead: the pending referral lets the receiving unit see it, exactly as after referLead.
   */
  async referOffered(
    actor: Actor,
    leadId: string,
    fromUnitId: string,
    toUnit: UnitRef,
    noteInput: string | null | undefined,
  ): Promise<ReferralEntity> {
    const note = checkNote('note', noteInput);
    if (actor.kind !== 'user' || !isUuid(leadId)) throw new EntityNotFoundException('Lead');
    const id = await this.db.transaction(async (tx) => {
      const lead = await this.referrals.lockLeadOwnedUnder(tx, leadId, fromUnitId);
      if (!lead) throw new StateConflictException('The offering unit no longer owns the lead');
      return this.insertReferral(tx, actor, lead, fromUnitId, toUnit, note);
    });
    return (await this.referrals.findById(id))!;
  }

  /** The referral as the caller's unit knows it (on either end of it, or above one), or null. */
  async findKnown(actor: Actor, referralId: string): Promise<ReferralEntity | null> {
    if (actor.kind !== 'user' || !isUuid(referralId)) return null;
    return this.referrals.findKnownTo(referralId, actor.unitPath);
  }

  /** The one place a referral is written: checks on the receiving unit, the row, the history and the outbox event. */
  private async insertReferral(
    tx: EntityManager,
    actor: Actor,
    lead: { id: string; ownerUnitId: string },
    fromUnitId: string,
    toUnit: UnitRef,
    note: string | null,
  ): Promise<string> {
    const { unit: to, path } = await activeUnit(this.units, tx, toUnit, { id: 'toUnitId', code: 'toUnitCode' });
    if (to.id === lead.ownerUnitId) throw ValidationException.field(path, 'the unit already owns the lead');
    if (await this.leads.isAssigned(tx, lead.id, to.id)) {
      throw new StateConflictException('The lead is already assigned to this unit');
    }
    const referralId = await conflictOnDuplicate(
      () => this.referrals.insert(tx, { leadId: lead.id, fromUnitId, toUnitId: to.id, note, createdById: actor.id }),
      { lead_referral_one_pending: 'An offer of this lead to that unit is already pending' },
    );
    await this.leads.insertHistory(tx, lead.id, 'REFERRED', actor, [{ field: 'referral', oldValue: null, newValue: to.code }], note);
    await this.outbox.record(tx, actor, DomainEventType.LeadReferred, lead.id, {
      referralId,
      fromUnitId,
      toUnitId: to.id,
    });
    return referralId;
  }

  /** The receiving unit accepts (it joins the assigned units) or declines with a reason. */
  async respond(actor: Actor, referralId: string, accept: boolean, noteInput: string | null | undefined): Promise<ReferralEntity> {
    const note = checkNote('note', noteInput);
    if (actor.kind !== 'user' || !isUuid(referralId)) throw new EntityNotFoundException('Referral');
    await this.db.transaction(async (tx) => {
      const referral = await this.referrals.lockKnownTo(tx, referralId, actor.unitPath);
      if (!referral) throw new EntityNotFoundException('Referral');
      const own = referral.toUnitId === actor.unitId;
      const mayAnswer = referral.receiver && (own ? roleAtLeast(actor.role, Role.OFFICER) : roleAtLeast(actor.role, Role.MANAGER));
      if (!mayAnswer) {
        throw new AccessDeniedException('Referrals are answered by officers of the receiving unit or managers above it');
      }
      if (referral.status !== ReferralStatus.PENDING) throw new StateConflictException(`The referral is already ${referral.status}`);
      if (!accept && !note) throw ValidationException.field('note', 'a reason is required to decline');
      const status = accept ? ReferralStatus.ACCEPTED : ReferralStatus.DECLINED;
      await this.referrals.answer(tx, referral.id, status, note, actor.id);
      if (accept) {
        await this.leads.insertAssignment(tx, referral.leadId, referral.toUnitId, AssignmentVia.REFERRAL, actor.id);
        await this.leads.update(tx, referral.leadId, {});
      }
      await this.leads.insertHistory(tx, referral.leadId, accept ? 'REFERRAL_ACCEPTED' : 'REFERRAL_DECLINED', actor, [], note);
      await this.outbox.record(tx, actor, DomainEventType.ReferralAnswered, referral.leadId, {
        referralId: referral.id,
        toUnitId: referral.toUnitId,
        accepted: accept,
      });
    });
    return (await this.referrals.findById(referralId))!;
  }

  /**
   * The referring unit takes back a PENDING offer: OFFICER+ of the referring unit, MANAGER+ above it.
   * The receiving side is FORBIDDEN; a referral the caller's unit is on neither end of is NOT_FOUND.
   */
  async withdraw(actor: Actor, referralId: string, noteInput: string | null | undefined): Promise<ReferralEntity> {
    const note = checkNote('note', noteInput);
    if (actor.kind !== 'user' || !isUuid(referralId)) throw new EntityNotFoundException('Referral');
    await this.db.transaction(async (tx) => {
      const referral = await this.referrals.lockKnownTo(tx, referralId, actor.unitPath);
      if (!referral) throw new EntityNotFoundException('Referral');
      const own = referral.fromUnitId === actor.unitId;
      const mayWithdraw = referral.referrer && (own ? roleAtLeast(actor.role, Role.OFFICER) : roleAtLeast(actor.role, Role.MANAGER));
      if (!mayWithdraw) {
        throw new AccessDeniedException('Referrals are withdrawn by officers of the referring unit or managers above it');
      }
      if (referral.status !== ReferralStatus.PENDING) throw new StateConflictException(`The referral is already ${referral.status}`);
      await this.referrals.answer(tx, referral.id, ReferralStatus.WITHDRAWN, note, actor.id);
      // The receiving unit loses sight of the lead: the version moves so cached copies are refreshed.
      await this.leads.update(tx, referral.leadId, {});
      await this.leads.insertHistory(tx, referral.leadId, 'REFERRAL_WITHDRAWN', actor, [], note);
      await this.outbox.record(tx, actor, DomainEventType.ReferralWithdrawn, referral.leadId, {
        referralId: referral.id,
        toUnitId: referral.toUnitId,
      });
    });
    return (await this.referrals.findById(referralId))!;
  }

  page(actor: Actor, direction: ReferralDirection, status: ReferralStatus | null, limit: number, after: [string, string] | null) {
    if (actor.kind !== 'user') return Promise.resolve({ rows: [] as ReferralEntity[], total: 0 });
    return this.referrals.pageForUnit(actor.unitId, direction, status, limit, after);
  }
}
