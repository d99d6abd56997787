import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  type Actor,
  AccessDeniedException,
  CONTROL_CHARS,
  EntityNotFoundException,
  FieldErrors,
  Role,
  StateConflictException,
  ValidationException,
  isUuid,
  roleAtLeast,
} from '@zs/common';
import { CodeItemService, CodeKind } from '@zs/codes';
import { OrgUnitRepository } from '@zs/org';
import { DomainEventType, OutboxService } from '@zs/outbox';
import { LeadRepository, ReferralService, type ReferralEntity } from '@zs/leads';
import { type EventRow, MatchmakingEventStatus } from '../matchmaking-event.entity';
import { MatchmakingRepository } from '../matchmaking.repository';
import { EventNeedOfferKind, EventNeedOfferStatus, type NeedOfferRow } from './event-need-offer.entity';
import { EventNeedOfferRepository } from './event-need-offer.repository';
import type { PostEventNeedOfferInput } from './dto/event-need-offer.input';

const DECIMAL_2 = /^(\d{1,14})(\.\d{1,2})?$/;

/**
 * Needs and offers at a matchmaking event. A unit taking part (the host or a participant) posts what
 * it seeks (NEED) or a project it cannot host (OFFER); another unit taking part answers with a
 * referral made by ReferralService (the one referral flow): an OFFER's lead goes to the answering
 * unit, a NEED gets one of the answering unit's leads. Acting for a unit follows the referral rule:
 * OFFICER+ of the unit itself, MANAGER+ of a unit above it. The board is planning data every user
 * may read, like the event; a lead on it is shown only to those who may see the lead.
 */
@Injectable()
export class EventNeedOfferService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly needs: EventNeedOfferRepository,
    private readonly events: MatchmakingRepository,
    private readonly leads: LeadRepository,
    private readonly referrals: ReferralService,
    private readonly units: OrgUnitRepository,
    private readonly codes: CodeItemService,
    private readonly outbox: OutboxService,
  ) {}

  /** Whether the caller acts for the unit: OFFICER+ of the unit itself or MANAGER+ of a unit above it. */
  actsFor(actor: Actor, unit: { id: string; path: string }): boolean {
    if (actor.kind !== 'user') return false;
    if (unit.id === actor.unitId) return roleAtLeast(actor.role, Role.OFFICER);
    return unit.path.startsWith(actor.unitPath) && roleAtLeast(actor.role, Role.MANAGER);
  }

  canWithdraw(actor: Actor, row: NeedOfferRow): boolean {
    return row.status === EventNeedOfferStatus.OPEN && this.actsFor(actor, { id: row.unitId, path: row.unitPath });
  }

  /** The event's needs and offers (null when there is no such event). */
  async forEvent(actor: Actor, eventId: string): Promise<NeedOfferRow[] | null> {
    this.requireUser(actor);
    if (!isUuid(eventId) || !(await this.events.findById(eventId))) return null;
    return this.needs.byEventIds([eventId]);
  }

  byEventIds(eventIds: readonly string[]): Promise<NeedOfferRow[]> {
    return this.needs.byEventIds(eventIds);
  }

  /** The answer's referral, only for a caller whose unit is on one of its ends (as `referrals` shows it). */
  referralOf(actor: Actor, row: NeedOfferRow): Promise<ReferralEntity | null> {
    return row.referralId ? this.referrals.findKnown(actor, row.referralId) : Promise.resolve(null);
  }

  async post(actor: Actor, input: PostEventNeedOfferInput): Promise<NeedOfferRow> {
    this.requireUser(actor);
    if (!isUuid(input.eventId)) throw new EntityNotFoundException('Matchmaking event');
    const unitId = input.unitId ?? actor.unitId;
    const unit = isUuid(unitId) ? await this.units.findById(unitId) : null;
    if (!unit || !unit.active) throw ValidationException.field('input.unitId', 'no such active unit');

    const id = await this.db.transaction(async (tx) => {
      // Locked: a post and closing the event do not cross.
      const event = await this.events.findById(input.eventId, tx, true);
      if (!event) throw new EntityNotFoundException('Matchmaking event');
      if (event.status === MatchmakingEventStatus.CLOSED) throw new StateConflictException('The event is closed');
      if (!takesPart(event, unit.id)) {
        throw new AccessDeniedException('Needs and offers are posted by the host or a participating unit of the event');
      }
      if (!this.actsFor(actor, unit)) {
        throw new AccessDeniedException('Needs and offers are posted by officers of the posting unit or managers above it');
      }

      const errors = new FieldErrors();
      const codeCheck = this.codes.validateActive(errors, CodeKind.INDUSTRY, [{ path: 'input.industryCode', code: input.industryCode }]);
      const landAreaMu = decimal(errors, 'input.landAreaMu', input.landAreaMu, 10);
      const floorSpaceSqm = decimal(errors, 'input.floorSpaceSqm', input.floorSpaceSqm, 12);
      const description = text(errors, 'input.description', input.description, 2, 2000);
      let leadId: string | null = null;
      if (input.leadId !== null && input.leadId !== undefined) {
        if (input.kind === EventNeedOfferKind.NEED) {
          errors.add('input.leadId', 'only an OFFER names a lead');
        } else {
          // An invisible lead answers exactly as one that does not exist.
          const lead = isUuid(input.leadId) ? await this.leads.findVisible(actor, input.leadId, tx) : null;
          if (!lead) errors.add('input.leadId', 'no such lead');
          else if (!lead.ownerChainEdit) errors.add('input.leadId', 'is not a lead you may refer');
          // The answer is a referral from the posting unit, so the lead must stay in its owner chain.
          else if (!lead.ownerPath.startsWith(unit.path)) errors.add('input.leadId', 'is not owned by the posting unit or a unit below it');
          else leadId = lead.id;
        }
      }
      await codeCheck;
      errors.throwIfAny();

      const rowId = await this.needs.insert(
        tx,
        { eventId: event.id, unitId: unit.id, kind: input.kind, leadId, industryCode: input.industryCode, landAreaMu, floorSpaceSqm, description },
        actor.id,
      );
      await this.outbox.record(tx, actor, DomainEventType.MatchmakingEventUpdated, null, {
        eventId: event.id,
        needOfferId: rowId,
        needOfferKind: input.kind,
        needOfferStatus: EventNeedOfferStatus.OPEN,
      });
      return rowId;
    });
    return (await this.needs.findById(id))!;
  }

  /**
   * Answers with a referral, in one transaction with the referral's own row, history and outbox event:
   * an OFFER's lead is referred (on the offering unit's standing offer) to the answering unit,
   * `toUnitId` or the caller's; for a NEED the caller refers its lead `leadId` to the posting unit.
   */
  async answer(
    actor: Actor,
    needOfferId: string,
    leadId: string | null | undefined,
    toUnitId: string | null | undefined,
    messageInput: string,
  ): Promise<NeedOfferRow> {
    this.requireUser(actor);
    const errors = new FieldErrors();
    const message = text(errors, 'message', messageInput, 1, 2000);
    errors.throwIfAny();
    if (!isUuid(needOfferId)) throw new EntityNotFoundException('Event need or offer');

    await this.db.transaction(async (tx) => {
      const row = await this.needs.findById(needOfferId, tx, true);
      if (!row) throw new EntityNotFoundException('Event need or offer');
      const event = (await this.events.findById(row.eventId, tx))!;
      if (row.status !== EventNeedOfferStatus.OPEN) throw new StateConflictException(`The posting is already ${row.status}`);
      if (event.status === MatchmakingEventStatus.CLOSED) throw new StateConflictException('The event is closed');

      let referral: ReferralEntity;
      let answeringUnitId: string;
      if (row.kind === EventNeedOfferKind.OFFER) {
        if (leadId !== null && leadId !== undefined) throw ValidationException.field('leadId', 'an offer is answered with the lead it names');
        if (!row.leadId) throw new StateConflictException('The offer names no lead to refer');
        const hasTo = toUnitId !== null && toUnitId !== undefined;
        const to = hasTo ? (isUuid(toUnitId) ? await this.units.findById(toUnitId, tx) : null) : await this.units.findById(actor.unitId, tx);
        if (!to || !to.active) throw ValidationException.field('toUnitId', 'no such active unit');
        this.mayAnswer(actor, event, row, to);
        referral = await this.referrals.referOffered(actor, row.leadId, row.unitId, { id: to.id }, message);
        answeringUnitId = to.id;
      } else {
        if (toUnitId !== null && toUnitId !== undefined) throw ValidationException.field('toUnitId', 'a need is answered to the unit that posted it');
        if (leadId === null || leadId === undefined) throw ValidationException.field('leadId', 'is required to answer a need');
        this.mayAnswer(actor, event, row, { id: actor.unitId, path: actor.unitPath });
        // referLead itself: the caller's rights on its lead, the receiving unit, the pending-offer rule.
        referral = await this.referrals.refer(actor, leadId, { id: row.unitId }, message);
        answeringUnitId = actor.unitId;
      }
      await this.needs.markAnswered(tx, row.id, referral.id, answeringUnitId, actor.id);
      await this.outbox.record(tx, actor, DomainEventType.MatchmakingEventUpdated, null, {
        eventId: event.id,
        needOfferId: row.id,
        needOfferStatus: EventNeedOfferStatus.ANSWERED,
        referralId: referral.id,
      });
    });
    return (await this.needs.findById(needOfferId))!;
  }

  async withdraw(actor: Actor, id: string): Promise<NeedOfferRow> {
    this.requireUser(actor);
    if (!isUuid(id)) throw new EntityNotFoundException('Event need or offer');
    await this.db.transaction(async (tx) => {
      const row = await this.needs.findById(id, tx, true);
      if (!row) throw new EntityNotFoundException('Event need or offer');
      if (!this.actsFor(actor, { id: row.unitId, path: row.unitPath })) {
        throw new AccessDeniedException('Needs and offers are withdrawn by officers of the posting unit or managers above it');
      }
      if (row.status !== EventNeedOfferStatus.OPEN) throw new StateConflictException(`The posting is already ${row.status}`);
      await this.needs.markWithdrawn(tx, row.id);
      await this.outbox.record(tx, actor, DomainEventType.MatchmakingEventUpdated, null, {
        eventId: row.eventId,
        needOfferId: row.id,
        needOfferStatus: EventNeedOfferStatus.WITHDRAWN,
      });
    });
    return (await this.needs.findById(id))!;
  }

  /** The answering unit takes part in the event, is not the poster, and the caller acts for it. */
  private mayAnswer(actor: Actor, event: EventRow, row: NeedOfferRow, unit: { id: string; path: string }): void {
    if (unit.id === row.unitId) throw new StateConflictException('A unit does not answer its own posting');
    if (!takesPart(event, unit.id)) {
      throw new AccessDeniedException('Needs and offers are answered by the host or a participating unit of the event');
    }
    if (!this.actsFor(actor, unit)) {
      throw new AccessDeniedException('Needs and offers are answered by officers of the answering unit or managers above it');
    }
  }

  private requireUser(actor: Actor): void {
    if (actor.kind !== 'user') throw new AccessDeniedException('Matchmaking events are for users of the platform');
  }
}

function takesPart(event: EventRow, unitId: string): boolean {
  return event.hostUnitId === unitId || event.participatingUnitIds.includes(unitId);
}

function text(errors: FieldErrors, path: string, value: string, min: number, max: number): string {
  const t = value.trim();
  if (CONTROL_CHARS.test(t)) errors.add(path, 'contains control characters');
  if (t.length < min || t.length > max) errors.add(path, `must be ${min} to ${max} characters`);
  return t;
}

/** The rule of the lead's 亩 and m² columns (LeadInputValidator), with its message. */
function decimal(errors: FieldErrors, path: string, value: string | null | undefined, digits: number): string | null {
  if (value === null || value === undefined) return null;
  const m = DECIMAL_2.exec(value.trim());
  if (!m || m[1].length > digits) {
    errors.add(path, `must be a number ≥ 0 with at most 2 decimals and ${digits} integer digits`);
    return null;
  }
  return m[0];
}
