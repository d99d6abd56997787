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
  ValidationException,
  conflictOnDuplicate,
  keysetConnection,
  keysetCursor,
  isUuid,
  pageSize,
  roleAtLeast,
  type Connection,
} from '@zs/common';
import { CodeItemService, CodeKind } from '@zs/codes';
import { OrgTier, OrgUnitRepository } from '@zs/org';
import { DomainEventType, OutboxService } from '@zs/outbox';
import { FUNNEL, LeadStage, classifyTransition } from './domain/lead-stage';
import { type FieldChange, type LeadEntity, SharingScope, type VisibleLead, AssignmentVia } from './lead.entity';
import { LeadInputValidator, type LeadFields } from './lead-input.validator';
import { HISTORY_NAMES, createdChanges, createdPayload, defaultScope, newLeadRow, requireLeadCreator } from './lead-create';
import { LeadRepository, sortKeyTypeOf } from './lead.repository';
import { ConflictService } from './conflicts/conflict.service';
import { InvestorProbeLimiter } from './investor-probe-limiter';
import { requireLeadsWrite } from './write-scope';
import { type UnitRef, activeUnit } from './unit-ref';
import {
  type CreateLeadInput,
  type LeadFilter,
  type LeadOrder,
  LeadOrderField,
  OrderDirection,
  type UpdateLeadInput,
} from './dto/lead.input';



const SCOPE_RANK: Record<SharingScope, number> = {
  [SharingScope.PRIVATE]: 0,
  [SharingScope.DISTRICT]: 1,
  [SharingScope.CITY]: 2,
  [SharingScope.PUBLIC]: 3,
};

export interface StageChange {
  stage: LeadStage;
  note?: string | null;
  lostReasonCode?: string | null;
  landingUnitId?: string | null;
}

function diff(before: VisibleLead, after: LeadFields): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (key === 'investorNameNorm') continue;
    const old = (before as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(old ?? null) !== JSON.stringify(value ?? null)) {
      changes.push({ field: HISTORY_NAMES[key as keyof LeadFields] ?? key, oldValue: old ?? null, newValue: value ?? null });
    }
  }
  return changes;
}

@Injectable()
export class LeadService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly leads: LeadRepository,
    private readonly validator: LeadInputValidator,
    private readonly conflicts: ConflictService,
    private readonly outbox: OutboxService,
    private readonly codes: CodeItemService,
    private readonly units: OrgUnitRepository,
    private readonly probes: InvestorProbeLimiter,
  ) {}

  get(actor: Actor, id: string): Promise<VisibleLead | null> {
    return isUuid(id) ? this.leads.findVisible(actor, id) : Promise.resolve(null);
  }

  getByCode(actor: Actor, code: string): Promise<VisibleLead | null> {
    return code.length <= 32 ? this.leads.findVisibleByCode(actor, code) : Promise.resolve(null);
  }

  async page(
    actor: Actor,
    filter: LeadFilter | null | undefined,
    orderBy: LeadOrder | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    withTotal = true,
  ): Promise<Connection<VisibleLead>> {
    const limit = pageSize(first);
    const errors = new FieldErrors();
    const f = filter ?? {};
    for (const [i, id] of (f.ownerUnitIds ?? []).entries()) {
      if (!isUuid(id)) errors.add(`filter.ownerUnitIds.${i}`, 'is not a valid id');
    }
    errors.throwIfAny();
    const orderField = orderBy?.field ?? LeadOrderField.CREATED_AT;
    const cursor = keysetCursor(after, sortKeyTypeOf(orderField));
    const { rows, total } = await this.leads.page(actor, {
      filter: f,
      orderField,
      direction: orderBy?.direction ?? OrderDirection.DESC,
      limit,
      after: cursor,
      withTotal,
    });
    // Without withTotal nobody reads totalCount (it was not selected).
    return keysetConnection({ rows, total: total ?? 0 }, limit, cursor);
  }

  async create(actor: Actor, input: CreateLeadInput): Promise<VisibleLead> {
    requireLeadCreator(actor);
    const fields = await this.validator.forCreate(input);
    await this.probes.consume(actor);
    const scope = defaultScope(input.sharingScope);
    const id = await this.db.transaction(async (tx) => {
      const { id: leadId, code } = await this.leads.insertWithCode(tx, newLeadRow(actor, fields, scope), new Date().getFullYear());
      await this.leads.insertHistory(tx, leadId, 'CREATED', actor, createdChanges(fields, scope));
      await this.outbox.record(tx, actor, DomainEventType.LeadCreated, leadId, createdPayload(actor, code, scope));
      await this.conflicts.detect(tx, actor, {
        id: leadId,
        ownerUnitId: actor.unitId,
        ownerPath: actor.unitPath,
        investorNameNorm: fields.investorNameNorm!,
        investorUscc: fields.investorUscc ?? null,
      });
      return leadId;
    });
    return (await this.leads.findVisible(actor, id))!;
  }

  async update(actor: Actor, id: string, version: number, input: UpdateLeadInput): Promise<VisibleLead> {
    const fields = await this.validator.forUpdate(input);
    // Counted whether or not the investor really changes: a no-op must look like any other look-up.
    if (input.investor) await this.probes.consume(actor);
    return this.mutate(actor, id, version, async (tx, lead) => {
      if (!lead.canEdit) throw new AccessDeniedException('You may not edit this lead');
      const changes = diff(lead, fields);
      if (changes.length === 0) return false;
      await this.leads.update(tx, lead.id, fields);
      await this.leads.insertHistory(tx, lead.id, 'UPDATED', actor, changes);
      await this.outbox.record(tx, actor, DomainEventType.LeadUpdated, lead.id, {
        fields: changes.map((c) => c.field),
      });
      const investorChanged = changes.some((c) => c.field === 'investor.name' || c.field === 'investor.uscc');
      if (investorChanged) {
        await this.conflicts.detect(tx, actor, {
          id: lead.id,
          ownerUnitId: lead.ownerUnitId,
          ownerPath: lead.ownerPath,
          investorNameNorm: fields.investorNameNorm ?? lead.investorNameNorm,
          investorUscc: fields.investorUscc !== undefined ? fields.investorUscc : lead.investorUscc,
        });
      }
      return true;
    });
  }

  async changeStage(actor: Actor, id: string, version: number, change: StageChange): Promise<VisibleLead> {
    if (change.note && change.note.length > 2000) throw ValidationException.field('note', 'must be at most 2000 characters');
    return this.mutate(actor, id, version, async (tx, lead) => {
      if (!lead.canEdit) throw new AccessDeniedException('You may not change this lead');
      const from = lead.stage;
      const to = change.stage;
      const transition = classifyTransition(from, to, lead.stageBeforeHold);
      const patch: Partial<LeadEntity> = { stage: to };
      switch (transition.kind) {
        case 'INVALID':
          throw ValidationException.field('stage', transition.reason);
        case 'BACKWARD':
        case 'REOPEN':
          if (!lead.ownerChainManager) {
            throw new AccessDeniedException('Moving a lead backwards or reopening it is for managers of the owning units');
          }
          patch.stageBeforeHold = null;
          patch.lostReasonCode = null;
          if (FUNNEL.indexOf(to) < FUNNEL.indexOf(LeadStage.SIGNED)) patch.signedAt = null;
          if (FUNNEL.indexOf(to) < FUNNEL.indexOf(LeadStage.LANDED)) {
            patch.landedAt = null;
            patch.landingUnitId = null;
          }
          break;
        case 'HOLD':
          patch.stageBeforeHold = from;
          break;
        case 'RESUME':
          patch.stageBeforeHold = null;
          break;
        case 'LOSE': {
          const errors = new FieldErrors();
          if (!change.lostReasonCode) errors.add('lostReasonCode', 'is required to mark a lead LOST');
          else await this.codes.validateActive(errors, CodeKind.LOST_REASON, [{ path: 'lostReasonCode', code: change.lostReasonCode }]);
          errors.throwIfAny();
          patch.lostReasonCode = change.lostReasonCode!;
          patch.stageBeforeHold = null;
          break;
        }
        case 'FORWARD':
          if (to === LeadStage.SIGNED) {
            if (lead.investmentAmount === null) {
              throw ValidationException.field('stage', 'a lead needs an investment amount before it is SIGNED');
            }
            patch.signedAt = new Date();
          }
          if (to === LeadStage.LANDED) {
            patch.landingUnitId = await this.landingZone(tx, lead, change.landingUnitId);
            patch.landedAt = new Date();
          }
          break;
        default: {
          const unreachable: never = transition;
          throw new Error(`unhandled transition ${String(unreachable)}`);
        }
      }
      const changes = diff(lead, patch as LeadFields);
      await this.leads.update(tx, lead.id, patch);
      await this.leads.insertHistory(tx, lead.id, 'STAGE_CHANGED', actor, changes, change.note?.trim() || null);
      await this.outbox.record(tx, actor, DomainEventType.LeadStageChanged, lead.id, {
        from,
        to,
        transition: transition.kind,
      });
      return true;
    });
  }

  async share(actor: Actor, id: string, version: number, scope: SharingScope): Promise<VisibleLead> {
    return this.mutate(actor, id, version, async (tx, lead) => {
      if (!lead.canEdit) throw new AccessDeniedException('You may not share this lead');
      if (scope === lead.sharingScope) return false;
      // docs/leads-api.md: narrowing is for MANAGER and above of the owner unit or its ancestors.
      if (SCOPE_RANK[scope] < SCOPE_RANK[lead.sharingScope] && !lead.ownerChainManager) {
        throw new AccessDeniedException('Only managers of the owning units may narrow how a lead is shared');
      }
      await this.leads.update(tx, lead.id, { sharingScope: scope });
      await this.leads.insertHistory(tx, lead.id, 'SHARED', actor, [
        { field: 'sharingScope', oldValue: lead.sharingScope, newValue: scope },
      ]);
      await this.outbox.record(tx, actor, DomainEventType.LeadShared, lead.id, { from: lead.sharingScope, to: scope });
      return true;
    });
  }

  /** A district or the city assigns a lead directly to a unit below it. */
  async assign(actor: Actor, id: string, unitRef: UnitRef): Promise<VisibleLead> {
    return this.mutate(actor, id, null, async (tx, lead) => {
      if (
        actor.kind !== 'user' ||
        !roleAtLeast(actor.role, Role.MANAGER) ||
        actor.unitTier === 'ZONE' ||
        !lead.canEdit
      ) {
        throw new AccessDeniedException('Leads are assigned by managers of a district or the city');
      }
      const { unit, path } = await activeUnit(this.units, tx, unitRef, { id: 'unitId', code: 'unitCode' });
      if (!unit.path.startsWith(actor.unitPath) || unit.id === actor.unitId) {
        throw ValidationException.field(path, 'must be a unit below yours');
      }
      if (unit.id === lead.ownerUnitId) throw ValidationException.field(path, 'the unit already owns the lead');
      await conflictOnDuplicate(
        () => this.leads.insertAssignment(tx, lead.id, unit.id, AssignmentVia.ASSIGNMENT, actor.id),
        { lead_assignment_pkey: 'The lead is already assigned to this unit' },
      );
      await this.leads.update(tx, lead.id, {});
      await this.leads.insertHistory(tx, lead.id, 'ASSIGNED', actor, [
        { field: 'assignedUnits', oldValue: null, newValue: unit.code },
      ]);
      await this.outbox.record(tx, actor, DomainEventType.LeadAssigned, lead.id, { unitId: unit.id });
      return true;
    });
  }

  /**
   * Locks the visible lead, checks the version, runs the change in one transaction with its history
   * and outbox event, and returns the lead as the caller now sees it.
   */
  private async mutate(
    actor: Actor,
    id: string,
    version: number | null,
    change: (tx: EntityManager, lead: VisibleLead) => Promise<boolean>,
  ): Promise<VisibleLead> {
    if (!isUuid(id)) throw new EntityNotFoundException('Lead');
    await this.db.transaction(async (tx) => {
      const lead = await this.leads.lockVisible(actor, id, tx);
      if (!lead) throw new EntityNotFoundException('Lead');
      requireLeadsWrite(actor);
      if (version !== null && lead.version !== version) {
        // Permission first: a caller who may not edit learns nothing from the version.
        if (!lead.canEdit) throw new AccessDeniedException('You may not change this lead');
        throw new StateConflictException('The lead was changed by someone else; reload it and try again', {
          currentVersion: lead.version,
        });
      }
      await change(tx, lead);
    });
    const after = await this.leads.findVisible(actor, id);
    if (!after) throw new EntityNotFoundException('Lead');
    return after;
  }

  private async landingZone(tx: EntityManager, lead: VisibleLead, requested: string | null | undefined): Promise<string> {
    const candidates = [lead.ownerUnitId, ...(await this.leads.assignedUnitIds([lead.id])).map((a) => a.unitId)];
    const units = (await this.units.findByIds(candidates, tx)).filter((u) => u.tier === OrgTier.ZONE);
    if (requested) {
      const zone = units.find((u) => u.id === requested);
      if (!zone) throw ValidationException.field('landingUnitId', 'must be a zone among the owner and assigned units');
      return zone.id;
    }
    if (units.length === 1) return units[0].id;
    throw ValidationException.field(
      'landingUnitId',
      units.length === 0
        ? 'LANDED needs a landing zone among the owner and assigned units; assign or refer the lead to a zone first'
        : 'several zones work on this lead; say which one it lands in',
    );
  }
}
