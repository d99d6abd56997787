import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type Actor,
  AccessDeniedException,
  CONTROL_CHARS,
  type Connection,
  EntityNotFoundException,
  FieldErrors,
  Role,
  StateConflictException,
  ValidationException,
  isUuid,
  keysetConnection,
  keysetCursor,
  pageSize,
  roleAtLeast,
} from '@zs/common';
import { OrgUnitRepository } from '@zs/org';
import { DomainEventType, OutboxService } from '@zs/outbox';
import { LeadRepository, LeadService, LeadStage, type VisibleLead } from '@zs/leads';
import { type EventRow, MatchmakingEventStatus } from './matchmaking-event.entity';
import { type EventValues, MatchmakingRepository } from './matchmaking.repository';
import type { CreateMatchmakingEventInput, MatchmakingEventFilter, UpdateMatchmakingEventInput } from './dto/matchmaking-event.input';
import type { MatchmakingEventSummaryModel } from './matchmaking.model';

const MAX_PARTIES = 50;
const MAX_UNITS = 200;

/**
 * 项目对接活动. Events are planning data every signed-in user may read; the leads on them follow the
 * lead visibility rule. Managers (MANAGER+) of the host unit or of a unit above it create and change
 * an event; a lead is put on (or taken off) an event by whoever may edit the lead, or by those managers
 * when they may see it. A signing at an event is LeadService.changeStage (the one stage gate).
 */
@Injectable()
export class MatchmakingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: MatchmakingRepository,
    private readonly leadService: LeadService,
    private readonly leads: LeadRepository,
    private readonly units: OrgUnitRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** Whether the caller manages the event: MANAGER+ of its host unit or of a unit above it. */
  canManage(actor: Actor, event: Pick<EventRow, 'hostPath'>): boolean {
    return actor.kind === 'user' && roleAtLeast(actor.role, Role.MANAGER) && event.hostPath.startsWith(actor.unitPath);
  }

  async get(actor: Actor, id: string): Promise<EventRow | null> {
    this.requireUser(actor);
    return isUuid(id) ? this.events.findById(id) : null;
  }

  async page(
    actor: Actor,
    filter: MatchmakingEventFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<EventRow>> {
    this.requireUser(actor);
    const limit = pageSize(first);
    const cursor = keysetCursor(after);
    const f = filter ?? {};
    let hostPath: string | null = null;
    if (f.hostUnitId) {
      const unit = isUuid(f.hostUnitId) ? await this.units.findById(f.hostUnitId) : null;
      if (!unit) throw ValidationException.field('filter.hostUnitId', 'no such unit');
      hostPath = unit.path;
    }
    const result = await this.events.page({ ...f, hostPath }, limit, cursor);
    return keysetConnection(result, limit, cursor);
  }

  async create(actor: Actor, input: CreateMatchmakingEventInput): Promise<EventRow> {
    this.requireUser(actor);
    const hostId = input.hostUnitId ?? actor.unitId;
    const errors = new FieldErrors();
    const host = isUuid(hostId) ? await this.units.findById(hostId) : null;
    if (!host || !host.active) errors.add('input.hostUnitId', 'no such active unit');
    const values = await this.validate(errors, {
      name: input.name,
      hostUnitId: hostId,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      place: input.place ?? null,
      kind: input.kind,
      status: MatchmakingEventStatus.PLANNED,
      participatingUnitIds: input.participatingUnitIds ?? [],
      externalParties: input.externalParties ?? [],
      notes: input.notes ?? null,
    });
    errors.throwIfAny();
    if (!this.canManage(actor, { hostPath: host!.path })) {
      throw new AccessDeniedException('Matchmaking events are created by managers of the host unit or the units above it');
    }
    const id = await this.db.transaction(async (tx) => {
      const eventId = await this.events.insert(tx, values, actor.id);
      await this.outbox.record(tx, actor, DomainEventType.MatchmakingEventCreated, null, { eventId, hostUnitId: hostId });
      return eventId;
    });
    return (await this.events.findById(id))!;
  }

  async update(actor: Actor, id: string, version: number, input: UpdateMatchmakingEventInput): Promise<EventRow> {
    this.requireUser(actor);
    if (!isUuid(id)) throw new EntityNotFoundException('Matchmaking event');
    await this.db.transaction(async (tx) => {
      const event = await this.events.findById(id, tx, true);
      if (!event) throw new EntityNotFoundException('Matchmaking event');
      if (!this.canManage(actor, event)) {
        throw new AccessDeniedException('Matchmaking events are changed by managers of the host unit or the units above it');
      }
      if (event.version !== version) {
        throw new StateConflictException('The event was changed by someone else; reload it and try again', {
          currentVersion: event.version,
        });
      }
      const errors = new FieldErrors();
      const pick = <K extends keyof EventValues>(k: K, v: EventValues[K] | null | undefined, nullable = false): EventValues[K] => {
        if (v === undefined) return event[k];
        if (v === null && !nullable) {
          errors.add(`input.${k}`, 'cannot be null');
          return event[k];
        }
        return v as EventValues[K];
      };
      const values = await this.validate(errors, {
        name: pick('name', input.name),
        hostUnitId: event.hostUnitId,
        startsAt: pick('startsAt', input.startsAt),
        endsAt: pick('endsAt', input.endsAt),
        place: pick('place', input.place, true),
        kind: pick('kind', input.kind),
        status: pick('status', input.status),
        participatingUnitIds: pick('participatingUnitIds', input.participatingUnitIds),
        externalParties: pick('externalParties', input.externalParties),
        notes: pick('notes', input.notes, true),
      });
      errors.throwIfAny();
      await this.events.update(tx, id, values);
      await this.outbox.record(tx, actor, DomainEventType.MatchmakingEventUpdated, null, {
        eventId: id,
        ...(values.status !== event.status ? { statusFrom: event.status, statusTo: values.status } : {}),
      });
    });
    return (await this.events.findById(id))!;
  }

  async addLead(actor: Actor, eventId: string, leadId: string): Promise<EventRow> {
    return this.onEventLead(actor, eventId, leadId, async (tx, event, lead) => {
      if (event.status === MatchmakingEventStatus.CLOSED) throw new StateConflictException('The event is closed');
      if (!(await this.events.addLead(tx, event.id, lead.id, actor.id))) {
        throw new StateConflictException('The lead is already on this event');
      }
      await this.outbox.record(tx, actor, DomainEventType.LeadAddedToEvent, lead.id, { eventId: event.id });
    });
  }

  async removeLead(actor: Actor, eventId: string, leadId: string): Promise<EventRow> {
    return this.onEventLead(actor, eventId, leadId, async (tx, event, lead) => {
      if ((await this.events.signedAtEventOf(tx, lead.id)) === event.id) {
        throw new StateConflictException('The lead was signed at this event and stays on it');
      }
      // A lead not on the event looks the same as a lead the caller cannot see.
      if (!(await this.events.removeLead(tx, event.id, lead.id))) throw new EntityNotFoundException('Lead');
      await this.outbox.record(tx, actor, DomainEventType.LeadRemovedFromEvent, lead.id, { eventId: event.id });
    });
  }

  /**
   * 签约 at the event: the lead moves to SIGNED through LeadService.changeStage (its gate, rights and
   * version check, unchanged), all in one transaction with the event link. `investmentAmount`, when
   * given, is written first through LeadService.update (the validation of updateLead); `signedAt`
   * (default now) replaces the moment changeStage recorded.
   */
  async recordSigning(
    actor: Actor,
    eventId: string,
    leadId: string,
    version: number,
    investmentAmount: string | null | undefined,
    signedAt: Date | null | undefined,
  ): Promise<VisibleLead> {
    this.requireUser(actor);
    if (!isUuid(eventId)) throw new EntityNotFoundException('Matchmaking event');
    if (!isUuid(leadId)) throw new EntityNotFoundException('Lead');
    const at = signedAt ?? new Date();
    await this.db.transaction(async (tx) => {
      const event = await this.events.findById(eventId, tx, true);
      if (!event) throw new EntityNotFoundException('Matchmaking event');
      if (event.status === MatchmakingEventStatus.PLANNED) {
        throw new StateConflictException('Signings are recorded once the event is open');
      }
      if (at.getTime() > Date.now() + 60_000) throw ValidationException.field('signedAt', 'cannot be in the future');
      if (at.getTime() < event.startsAt.getTime() - 86_400_000) {
        throw ValidationException.field('signedAt', 'cannot be before the event starts');
      }
      let current = version;
      if (investmentAmount !== null && investmentAmount !== undefined) {
        current = (await this.leadService.update(actor, leadId, version, { investmentAmount })).version;
      }
      const signed = await this.leadService.changeStage(actor, leadId, current, {
        stage: LeadStage.SIGNED,
        note: `签约于对接活动：${event.name}`,
      });
      await this.leads.update(tx, leadId, { signedAt: at });
      await this.events.markSignedAt(tx, leadId, event.id);
      await this.events.addLead(tx, event.id, leadId, actor.id);
      await this.leads.insertHistory(tx, leadId, 'SIGNED_AT_EVENT', actor, [
        { field: 'signedAtEvent', oldValue: null, newValue: event.name },
        { field: 'signedAt', oldValue: signed.signedAt, newValue: at },
      ]);
      await this.outbox.record(tx, actor, DomainEventType.LeadSignedAtEvent, leadId, {
        eventId: event.id,
        signedAt: at.toISOString(),
      });
    });
    const after = await this.leads.findVisible(actor, leadId);
    if (!after) throw new EntityNotFoundException('Lead');
    return after;
  }

  leadPage(actor: Actor, event: EventRow, first: number | null | undefined, after: string | null | undefined) {
    const limit = pageSize(first);
    const cursor = keysetCursor(after);
    return this.events.leadPage(actor, event.id, limit, cursor).then(async (page) => {
      const leads = await this.leads.findVisibleByIds(actor, page.rows.map((r) => r.id));
      const byId = new Map(leads.map((l) => [l.id, l]));
      const rows = page.rows.flatMap((r) => {
        const lead = byId.get(r.id);
        return lead ? [{ ...lead, sortKey: r.sortKey }] : [];
      });
      return keysetConnection({ rows, total: page.total }, limit, cursor);
    });
  }

  summary(actor: Actor, event: EventRow): Promise<MatchmakingEventSummaryModel> {
    return this.events.summary(actor, event.id);
  }

  private async onEventLead(
    actor: Actor,
    eventId: string,
    leadId: string,
    change: (tx: EntityManager, event: EventRow, lead: VisibleLead) => Promise<void>,
  ): Promise<EventRow> {
    this.requireUser(actor);
    if (!isUuid(eventId)) throw new EntityNotFoundException('Matchmaking event');
    if (!isUuid(leadId)) throw new EntityNotFoundException('Lead');
    await this.db.transaction(async (tx) => {
      const event = await this.events.findById(eventId, tx, true);
      if (!event) throw new EntityNotFoundException('Matchmaking event');
      const lead = await this.leads.findVisible(actor, leadId, tx);
      if (!lead) throw new EntityNotFoundException('Lead');
      if (!lead.canEdit && !this.canManage(actor, event)) {
        throw new AccessDeniedException('Leads are put on an event by those who may edit them or by the event managers');
      }
      await change(tx, event, lead);
    });
    return (await this.events.findById(eventId))!;
  }

  private async validate(errors: FieldErrors, v: EventValues): Promise<EventValues> {
    const text = (path: string, value: string | null, min: number, max: number): string | null => {
      if (value === null) return null;
      const t = value.trim();
      if (CONTROL_CHARS.test(t)) errors.add(path, 'contains control characters');
      if (t.length < min || t.length > max) errors.add(path, `must be ${min} to ${max} characters`);
      return t.length === 0 ? null : t;
    };
    const name = text('input.name', v.name, 2, 200) ?? '';
    const place = text('input.place', v.place, 0, 200);
    const notes = text('input.notes', v.notes, 0, 4000);
    if (v.endsAt.getTime() < v.startsAt.getTime()) errors.add('input.endsAt', 'must not be before startsAt');
    if (v.externalParties.length > MAX_PARTIES) errors.add('input.externalParties', `at most ${MAX_PARTIES} parties`);
    const parties = v.externalParties.map((p, i) => text(`input.externalParties.${i}`, p, 1, 200) ?? '');
    const unitIds = [...new Set(v.participatingUnitIds)];
    if (unitIds.length > MAX_UNITS) errors.add('input.participatingUnitIds', `at most ${MAX_UNITS} units`);
    const bad = unitIds.filter((id) => !isUuid(id));
    const found = await this.units.findByIds(unitIds.filter((id) => isUuid(id)));
    const active = new Set(found.filter((u) => u.active).map((u) => u.id));
    for (const [i, id] of v.participatingUnitIds.entries()) {
      if (bad.includes(id) || !active.has(id)) errors.add(`input.participatingUnitIds.${i}`, 'no such active unit');
    }
    return { ...v, name, place, notes, externalParties: parties, participatingUnitIds: unitIds };
  }

  private requireUser(actor: Actor): void {
    if (actor.kind !== 'user') throw new AccessDeniedException('Matchmaking events are for users of the platform');
  }
}
