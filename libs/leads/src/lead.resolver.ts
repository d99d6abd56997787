import { Args, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver, Context } from '@nestjs/graphql';
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import {
  type Actor,
  ConnectionType,
  CurrentActor,
  type GqlContext,
  keysetConnection,
  keysetCursor,
  pageSize,
  type Connection,
  andThen,
  selectionAt,
} from '@zs/common';
import { type CodeItemEntity, CodeItemLoader, CodeItemModel, CodeKind } from '@zs/codes';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { UserModel, type UserEntity } from '@zs/identity';
import { LeadStage } from './domain/lead-stage';
import { SharingScope, type VisibleLead } from './lead.entity';
import { ContactModel, InvestorModel, LeadHistoryEntryModel, LeadModel } from './lead.model';
import { LeadService } from './lead.service';
import { LeadLoader } from './lead.loader';
import { CreateLeadInput, LeadFilter, LeadOrder, UpdateLeadInput } from './dto/lead.input';
import { LeadActivityInput } from './dto/lead-activity.input';
import { LeadActivityModel } from './activities/lead-activity.model';
import { LeadActivityService } from './activities/lead-activity.service';
import { LeadConflictNoticeModel } from './conflicts/conflict.model';

const LeadConnection = ConnectionType(LeadModel, 'Lead');
const LeadActivityConnection = ConnectionType(LeadActivityModel, 'LeadActivity');

/** Whether the field's selection (through fragments too) asks for `name` directly on the result. */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name;
      if (s.kind === Kind.INLINE_FRAGMENT) return walk(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return walk(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((n) => walk(n.selectionSet));
}

function present<T>(items: (T | null | Error)[]): T[] {
  return items.filter((i): i is T => i !== null && !(i instanceof Error));
}

@Resolver(() => LeadModel)
export class LeadResolver {
  constructor(
    private readonly leadService: LeadService,
    private readonly activityService: LeadActivityService,
    private readonly loader: LeadLoader,
    private readonly units: OrgUnitLoader,
    private readonly codes: CodeItemLoader,
  ) {}

  @Query(() => LeadModel, { nullable: true, description: 'Null when it does not exist or you may not see it' })
  lead(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<VisibleLead | null> {
    return this.leadService.get(actor, id);
  }

  @Query(() => LeadModel, { nullable: true })
  leadByCode(@CurrentActor() actor: Actor, @Args('code') code: string): Promise<VisibleLead | null> {
    return this.leadService.getByCode(actor, code);
  }

  @Query(() => LeadConnection, { description: 'Leads you may see; first ≤ 100' })
  async leads(
    @CurrentActor() actor: Actor,
    @Args('filter', { type: () => LeadFilter, nullable: true }) filter?: LeadFilter | null,
    @Args('orderBy', { type: () => LeadOrder, nullable: true }) orderBy?: LeadOrder | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
    @Info() info?: GraphQLResolveInfo,
    @Context() ctx?: GqlContext,
  ): Promise<Connection<VisibleLead>> {
    // The count walks every visible lead: run it only when the query asks for totalCount.
    const page = await this.leadService.page(actor, filter, orderBy, first, after, info ? selects(info, 'totalCount') : true);
    if (info && ctx) await this.preload(ctx, info, page.edges.map((e) => e.node));
    return page;
  }

  /**
   * Loads the units and codes the page's selected fields will ask for, in the statements their
   * loaders would batch anyway: the fields then resolve synchronously, with no promise per field.
   */
  private async preload(ctx: GqlContext, info: GraphQLResolveInfo, leads: VisibleLead[]): Promise<void> {
    if (leads.length === 0) return;
    const node = selectionAt(info, ['edges', 'node']);
    const units = this.units.byId(ctx);
    const [owners, assigned] = await Promise.all([
      node.has('ownerUnit') ? units.loadMany(leads.map((l) => l.ownerUnitId)) : null,
      node.has('assignedUnits') ? this.loader.assignedUnitIds(ctx).loadMany(leads.map((l) => l.id)) : null,
      node.has('industry')
        ? this.codes.forRequest(ctx).loadMany(leads.map((l) => ({ kind: CodeKind.INDUSTRY, code: l.industryCode })))
        : null,
    ]);
    const more = new Set<string>();
    for (const rows of assigned ?? []) if (!(rows instanceof Error)) for (const r of rows) more.add(r.unitId);
    if (selectionAt(info, ['edges', 'node', 'ownerUnit']).has('parent')) {
      for (const u of owners ?? []) if (u && !(u instanceof Error) && u.parentId) more.add(u.parentId);
    }
    if (more.size > 0) await units.loadMany([...more]);
  }

  @Mutation(() => LeadModel)
  createLead(@CurrentActor() actor: Actor, @Args('input') input: CreateLeadInput): Promise<VisibleLead> {
    return this.leadService.create(actor, input);
  }

  @Mutation(() => LeadModel, { description: 'A stale version is refused with CONFLICT and changes nothing' })
  updateLead(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('version', { type: () => Int }) version: number,
    @Args('input') input: UpdateLeadInput,
  ): Promise<VisibleLead> {
    return this.leadService.update(actor, id, version, input);
  }

  @Mutation(() => LeadModel)
  changeLeadStage(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('version', { type: () => Int }) version: number,
    @Args('stage', { type: () => LeadStage }) stage: LeadStage,
    @Args('note', { type: () => String, nullable: true }) note?: string | null,
    @Args('lostReasonCode', { type: () => String, nullable: true }) lostReasonCode?: string | null,
    @Args('landingUnitId', { type: () => ID, nullable: true }) landingUnitId?: string | null,
  ): Promise<VisibleLead> {
    return this.leadService.changeStage(actor, id, version, { stage, note, lostReasonCode, landingUnitId });
  }

  @Mutation(() => LeadModel, { description: 'Widen or narrow who sees the lead; narrowing is for the owner chain' })
  shareLead(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('version', { type: () => Int }) version: number,
    @Args('scope', { type: () => SharingScope }) scope: SharingScope,
  ): Promise<VisibleLead> {
    return this.leadService.share(actor, id, version, scope);
  }

  @Mutation(() => LeadModel, { description: 'A district or the city assigns the lead to a unit below it' })
  assignLead(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('unitId', { type: () => ID, nullable: true, description: 'The unit below yours; or give unitCode' }) unitId?: string | null,
    @Args('unitCode', { type: () => String, nullable: true, description: 'The unit by code (e.g. 610115-Z1); exactly one of unitId and unitCode' })
    unitCode?: string | null,
  ): Promise<VisibleLead> {
    return this.leadService.assign(actor, id, { id: unitId, code: unitCode });
  }

  @Mutation(() => LeadActivityModel)
  addLeadActivity(
    @CurrentActor() actor: Actor,
    @Args('leadId', { type: () => ID }) leadId: string,
    @Args('input') input: LeadActivityInput,
  ): Promise<LeadActivityModel> {
    return this.activityService.add(actor, leadId, input);
  }

  // Hot fields of a page take graphql-js's own (parent, args, context) arguments: without parameter
  // decorators Nest binds the method directly instead of wrapping it in its per-call context pipeline.
  @ResolveField(() => CodeItemModel)
  industry(lead: VisibleLead, _args: unknown, ctx: GqlContext): CodeItemEntity | null | Promise<CodeItemEntity | null> {
    return this.codes.forRequest(ctx).get({ kind: CodeKind.INDUSTRY, code: lead.industryCode });
  }

  @ResolveField(() => CodeItemModel, { nullable: true })
  capitalSource(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<CodeItemEntity | null> | null {
    return lead.capitalSourceCode
      ? this.codes.forRequest(ctx).load({ kind: CodeKind.CAPITAL_SOURCE, code: lead.capitalSourceCode })
      : null;
  }

  @ResolveField(() => [CodeItemModel])
  async attractionModes(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<CodeItemEntity[]> {
    const loader = this.codes.forRequest(ctx);
    return present(await loader.loadMany(lead.attractionModeCodes.map((code) => ({ kind: CodeKind.ATTRACTION_MODE, code }))));
  }

  @ResolveField(() => CodeItemModel, { nullable: true, description: 'Why a LOST lead was lost' })
  lostReason(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<CodeItemEntity | null> | null {
    return lead.lostReasonCode ? this.codes.forRequest(ctx).load({ kind: CodeKind.LOST_REASON, code: lead.lostReasonCode }) : null;
  }

  @ResolveField(() => InvestorModel)
  investor(@Parent() lead: VisibleLead): InvestorModel {
    return {
      name: lead.investorName,
      uscc: lead.investorUscc,
      countryOrRegion: lead.investorCountry,
    };
  }

  @ResolveField(() => OrgUnitModel)
  ownerUnit(lead: VisibleLead, _args: unknown, ctx: GqlContext): OrgUnitEntity | null | Promise<OrgUnitEntity | null> {
    return this.units.byId(ctx).get(lead.ownerUnitId);
  }

  @ResolveField(() => [OrgUnitModel])
  assignedUnits(lead: VisibleLead, _args: unknown, ctx: GqlContext): OrgUnitEntity[] | Promise<OrgUnitEntity[]> {
    const units = this.units.byId(ctx);
    const ofRows = (rows: { unitId: string }[]) => andThen(units.getMany(rows.map((r) => r.unitId)), present);
    return andThen(this.loader.assignedUnitIds(ctx).get(lead.id), ofRows);
  }

  @ResolveField(() => OrgUnitModel, { nullable: true, description: 'The zone a LANDED lead landed in' })
  landingUnit(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<OrgUnitEntity | null> | null {
    return lead.landingUnitId ? this.units.byId(ctx).load(lead.landingUnitId) : null;
  }

  @ResolveField(() => [ContactModel], { nullable: true, description: 'Null outside the owner and assigned chains' })
  contacts(@Parent() lead: VisibleLead): ContactModel[] | null {
    return lead.contacts;
  }

  @ResolveField(() => LeadActivityConnection, { nullable: true, description: 'Null outside the owner and assigned chains' })
  async activities(
    @Parent() lead: VisibleLead,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<Connection<LeadActivityModel> | null> {
    const limit = pageSize(first);
    const cursor = keysetCursor(after);
    const page = await this.activityService.pageFor(lead, limit, cursor);
    return page && keysetConnection(page, limit, cursor);
  }

  @ResolveField(() => [LeadHistoryEntryModel], { description: 'Every change; sensitive values only for the owner and assigned chains' })
  history(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<LeadHistoryEntryModel[]> {
    return this.loader.history(ctx).load(lead.id);
  }

  @ResolveField(() => [LeadConflictNoticeModel], { description: 'Other units engaged with the same investor' })
  conflicts(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<LeadConflictNoticeModel[]> {
    return this.loader.conflictNotices(ctx, lead);
  }


  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'Null when an API client created the lead, and always for API clients (they get ownerUnit, not the person)',
  })
  createdBy(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<UserEntity | null> | null {
    return this.loader.person(ctx, lead.createdByKind, lead.createdById);
  }

  @ResolveField(() => Boolean)
  viewerCanEdit(@Parent() lead: VisibleLead): boolean {
    return lead.canEdit;
  }
}

@Resolver(() => LeadHistoryEntryModel)
export class LeadHistoryResolver {
  constructor(
    private readonly loader: LeadLoader,
    private readonly units: OrgUnitLoader,
  ) {}

  @ResolveField(() => OrgUnitModel, {
    nullable: true,
    description: "The acting user's or API client's unit (what API clients get instead of the person); null for the system",
  })
  actorUnit(@Parent() entry: LeadHistoryEntryModel, @Context() ctx: GqlContext): Promise<OrgUnitEntity | null> | null {
    return entry.actorUnitId ? this.units.byId(ctx).load(entry.actorUnitId) : null;
  }

  @ResolveField(() => UserModel, { nullable: true, description: 'Who acted; null for the system, API clients, and for API-client readers' })
  actor(@Parent() entry: LeadHistoryEntryModel, @Context() ctx: GqlContext): Promise<UserEntity | null> | null {
    return this.loader.person(ctx, entry.actorKind, entry.actorId);
  }
}

@Resolver(() => LeadConflictNoticeModel)
export class LeadConflictNoticeResolver {
  constructor(
    private readonly loader: LeadLoader,
    private readonly units: OrgUnitLoader,
  ) {}

  @ResolveField(() => OrgUnitModel)
  async coordinatingUnit(@Parent() n: LeadConflictNoticeModel, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(n.coordinatingUnitId))!;
  }

  @ResolveField(() => LeadModel, {
    nullable: true,
    description: 'The first of `otherLeads` (kept from when a conflict was a pair)',
  })
  otherLead(@Parent() n: LeadConflictNoticeModel, @Context() ctx: GqlContext): Promise<VisibleLead | null> {
    return this.loader.visible(ctx, ctx.actor!).load(n.otherLeadIds[0]);
  }

  @ResolveField(() => [LeadModel], {
    description: "Leads of other units in the case with this lead's investor that you may see, first joined first",
  })
  async otherLeads(@Parent() n: LeadConflictNoticeModel, @Context() ctx: GqlContext): Promise<VisibleLead[]> {
    const loaded = await this.loader.visible(ctx, ctx.actor!).loadMany(n.otherLeadIds);
    return loaded.filter((l): l is VisibleLead => l !== null && !(l instanceof Error));
  }
}
