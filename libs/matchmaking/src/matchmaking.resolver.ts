import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { type Actor, ConnectionType, CurrentActor, DecimalScalar, type GqlContext, requestLoader, type Connection } from '@zs/common';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { LeadModel, type VisibleLead } from '@zs/leads';
import type { EventRow } from './matchmaking-event.entity';
import { MatchmakingEventModel, MatchmakingEventSummaryModel } from './matchmaking.model';
import { MatchmakingService } from './matchmaking.service';
import { MatchmakingRepository } from './matchmaking.repository';
import { CreateMatchmakingEventInput, MatchmakingEventFilter, UpdateMatchmakingEventInput } from './dto/matchmaking-event.input';

const MatchmakingEventConnection = ConnectionType(MatchmakingEventModel, 'MatchmakingEvent');
const EventLeadConnection = ConnectionType(LeadModel, 'MatchmakingEventLead');

@Resolver(() => MatchmakingEventModel)
export class MatchmakingResolver {
  constructor(
    private readonly service: MatchmakingService,
    private readonly units: OrgUnitLoader,
  ) {}

  @Query(() => MatchmakingEventConnection, { description: '项目对接活动, latest start first; first ≤ 100' })
  matchmakingEvents(
    @CurrentActor() actor: Actor,
    @Args('filter', { type: () => MatchmakingEventFilter, nullable: true }) filter?: MatchmakingEventFilter | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<Connection<EventRow>> {
    return this.service.page(actor, filter, first, after);
  }

  @Query(() => MatchmakingEventModel, { nullable: true })
  matchmakingEvent(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<EventRow | null> {
    return this.service.get(actor, id);
  }

  @Mutation(() => MatchmakingEventModel, { description: 'MANAGER+ of the host unit or a unit above it' })
  createMatchmakingEvent(@CurrentActor() actor: Actor, @Args('input') input: CreateMatchmakingEventInput): Promise<EventRow> {
    return this.service.create(actor, input);
  }

  @Mutation(() => MatchmakingEventModel, { description: 'MANAGER+ of the host unit or a unit above it; a stale version is CONFLICT' })
  updateMatchmakingEvent(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('version', { type: () => Int }) version: number,
    @Args('input') input: UpdateMatchmakingEventInput,
  ): Promise<EventRow> {
    return this.service.update(actor, id, version, input);
  }

  @Mutation(() => MatchmakingEventModel, { description: 'Present a lead at the event (you may edit the lead, or you manage the event)' })
  addLeadToEvent(
    @CurrentActor() actor: Actor,
    @Args('eventId', { type: () => ID }) eventId: string,
    @Args('leadId', { type: () => ID }) leadId: string,
  ): Promise<EventRow> {
    return this.service.addLead(actor, eventId, leadId);
  }

  @Mutation(() => MatchmakingEventModel)
  removeLeadFromEvent(
    @CurrentActor() actor: Actor,
    @Args('eventId', { type: () => ID }) eventId: string,
    @Args('leadId', { type: () => ID }) leadId: string,
  ): Promise<EventRow> {
    return this.service.removeLead(actor, eventId, leadId);
  }

  @Mutation(() => LeadModel, {
    description: '签约 at the event: moves the lead to SIGNED through the same gate as changeLeadStage and records the event',
  })
  recordEventSigning(
    @CurrentActor() actor: Actor,
    @Args('eventId', { type: () => ID }) eventId: string,
    @Args('leadId', { type: () => ID }) leadId: string,
    @Args('version', { type: () => Int }) version: number,
    @Args('investmentAmount', { type: () => DecimalScalar, nullable: true, description: '万元; written to the lead first when given' })
    investmentAmount?: string | null,
    @Args('signedAt', { type: () => Date, nullable: true, description: 'Defaults to now' }) signedAt?: Date | null,
  ): Promise<VisibleLead> {
    return this.service.recordSigning(actor, eventId, leadId, version, investmentAmount, signedAt);
  }

  @ResolveField(() => OrgUnitModel)
  async hostUnit(@Parent() e: EventRow, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(e.hostUnitId))!;
  }

  @ResolveField(() => [OrgUnitModel])
  async participatingUnits(@Parent() e: EventRow, @Context() ctx: GqlContext): Promise<OrgUnitEntity[]> {
    const units = await this.units.byId(ctx).loadMany(e.participatingUnitIds);
    return units.filter((u): u is OrgUnitEntity => u !== null && !(u instanceof Error));
  }

  @ResolveField(() => EventLeadConnection, { description: 'Leads presented at the event that you may see' })
  leads(
    @CurrentActor() actor: Actor,
    @Parent() e: EventRow,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<Connection<VisibleLead>> {
    return this.service.leadPage(actor, e, first, after);
  }

  @ResolveField(() => MatchmakingEventSummaryModel)
  summary(@CurrentActor() actor: Actor, @Parent() e: EventRow): Promise<MatchmakingEventSummaryModel> {
    return this.service.summary(actor, e);
  }

  @ResolveField(() => Boolean, { description: 'You may change the event' })
  viewerCanManage(@CurrentActor() actor: Actor, @Parent() e: EventRow): boolean {
    return this.service.canManage(actor, e);
  }
}

/** Lead.signedAtEvent, from this module (the lead keeps the event it was signed at). */
@Resolver(() => LeadModel)
export class LeadSignedAtEventResolver {
  constructor(private readonly events: MatchmakingRepository) {}

  @ResolveField(() => MatchmakingEventModel, { nullable: true, description: 'The matchmaking event the lead was signed at' })
  signedAtEvent(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<EventRow | null> {
    const loader = requestLoader(
      ctx,
      'matchmaking.signedAtEvent',
      () =>
        new DataLoader<string, EventRow | null>(async (leadIds) => {
          const links = await this.events.signedAtEventIds(leadIds);
          const rows = await this.events.findByIds([...new Set(links.map((l) => l.eventId))]);
          const byEvent = new Map(rows.map((r) => [r.id, r]));
          const byLead = new Map(links.map((l) => [l.leadId, byEvent.get(l.eventId) ?? null]));
          return leadIds.map((id) => byLead.get(id) ?? null);
        }),
    );
    return loader.load(lead.id);
  }
}
