import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { type Actor, CurrentActor, EntityNotFoundException, type GqlContext, requestLoader } from '@zs/common';
import { CodeItemLoader, CodeItemModel, CodeKind, type CodeItemEntity } from '@zs/codes';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { LeadLoader, LeadModel, ReferralModel, type ReferralEntity, type VisibleLead } from '@zs/leads';
import type { EventRow } from '../matchmaking-event.entity';
import { MatchmakingEventModel } from '../matchmaking.model';
import { MatchmakingRepository } from '../matchmaking.repository';
import type { NeedOfferRow } from './event-need-offer.entity';
import { EventNeedOfferModel } from './event-need-offer.model';
import { EventNeedOfferService } from './event-need-offer.service';
import { PostEventNeedOfferInput } from './dto/event-need-offer.input';

@Resolver(() => EventNeedOfferModel)
export class EventNeedOfferResolver {
  constructor(
    private readonly service: EventNeedOfferService,
    private readonly events: MatchmakingRepository,
    private readonly leads: LeadLoader,
    private readonly units: OrgUnitLoader,
    private readonly codes: CodeItemLoader,
  ) {}

  @Query(() => [EventNeedOfferModel], { description: 'Needs and offers posted at the event, newest first' })
  async eventNeedsOffers(@CurrentActor() actor: Actor, @Args('eventId', { type: () => ID }) eventId: string): Promise<NeedOfferRow[]> {
    const rows = await this.service.forEvent(actor, eventId);
    if (!rows) throw new EntityNotFoundException('Matchmaking event');
    return rows;
  }

  @Mutation(() => EventNeedOfferModel, {
    description: 'Post a need or an offer at the event: for the host or a participating unit (OFFICER+ of it, MANAGER+ above it)',
  })
  postEventNeedOffer(@CurrentActor() actor: Actor, @Args('input') input: PostEventNeedOfferInput): Promise<NeedOfferRow> {
    return this.service.post(actor, input);
  }

  @Mutation(() => EventNeedOfferModel, {
    description:
      "Answer with a referral: an OFFER's lead is referred to your unit (or toUnitId); for a NEED you refer your lead leadId to the posting unit",
  })
  answerEventOffer(
    @CurrentActor() actor: Actor,
    @Args('needOfferId', { type: () => ID }) needOfferId: string,
    @Args('message', { description: 'The referral note, 1..2000 characters' }) message: string,
    @Args('leadId', { type: () => ID, nullable: true, description: 'NEED only: your lead to refer' }) leadId?: string | null,
    @Args('toUnitId', { type: () => ID, nullable: true, description: 'OFFER only: the receiving unit (default yours)' })
    toUnitId?: string | null,
  ): Promise<NeedOfferRow> {
    return this.service.answer(actor, needOfferId, leadId, toUnitId, message);
  }

  @Mutation(() => EventNeedOfferModel, { description: 'The posting unit takes back an OPEN need or offer' })
  withdrawEventNeedOffer(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<NeedOfferRow> {
    return this.service.withdraw(actor, id);
  }

  @ResolveField(() => MatchmakingEventModel)
  async event(@Parent() row: NeedOfferRow, @Context() ctx: GqlContext): Promise<EventRow> {
    const loader = requestLoader(
      ctx,
      'matchmaking.eventById',
      () =>
        new DataLoader<string, EventRow | null>(async (ids) => {
          const rows = await this.events.findByIds(ids);
          const byId = new Map(rows.map((r) => [r.id, r]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
    return (await loader.load(row.eventId))!;
  }

  @ResolveField(() => OrgUnitModel, { description: 'The posting unit' })
  async unit(@Parent() row: NeedOfferRow, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(row.unitId))!;
  }

  @ResolveField(() => CodeItemModel, { nullable: true })
  industry(@Parent() row: NeedOfferRow, @Context() ctx: GqlContext): Promise<CodeItemEntity | null> {
    return this.codes.forRequest(ctx).load({ kind: CodeKind.INDUSTRY, code: row.industryCode });
  }

  @ResolveField(() => LeadModel, { nullable: true, description: "An OFFER's lead, null when you may not see it" })
  lead(@Parent() row: NeedOfferRow, @Context() ctx: GqlContext): Promise<VisibleLead | null> | null {
    return row.leadId ? this.leads.visible(ctx, ctx.actor!).load(row.leadId) : null;
  }

  @ResolveField(() => OrgUnitModel, { nullable: true, description: 'The unit that answered' })
  async answeredByUnit(@Parent() row: NeedOfferRow, @Context() ctx: GqlContext): Promise<OrgUnitEntity | null> {
    return row.answeredUnitId ? ((await this.units.byId(ctx).load(row.answeredUnitId)) ?? null) : null;
  }

  @ResolveField(() => ReferralModel, { nullable: true, description: 'The answer’s referral, when your unit is on one of its ends' })
  referral(@CurrentActor() actor: Actor, @Parent() row: NeedOfferRow): Promise<ReferralEntity | null> {
    return this.service.referralOf(actor, row);
  }

  @ResolveField(() => Boolean, { description: 'You may withdraw it (it is OPEN and you act for the posting unit)' })
  viewerCanWithdraw(@CurrentActor() actor: Actor, @Parent() row: NeedOfferRow): boolean {
    return this.service.canWithdraw(actor, row);
  }
}

/** MatchmakingEvent.needsOffers, batched over the events of a page. */
@Resolver(() => MatchmakingEventModel)
export class EventNeedsOffersFieldResolver {
  constructor(private readonly service: EventNeedOfferService) {}

  @ResolveField(() => [EventNeedOfferModel], { description: 'Needs and offers posted at the event, newest first' })
  needsOffers(@Parent() e: EventRow, @Context() ctx: GqlContext): Promise<NeedOfferRow[]> {
    const loader = requestLoader(
      ctx,
      'matchmaking.needsOffers',
      () =>
        new DataLoader<string, NeedOfferRow[]>(async (eventIds) => {
          const rows = await this.service.byEventIds(eventIds);
          return eventIds.map((id) => rows.filter((r) => r.eventId === id));
        }),
    );
    return loader.load(e.id);
  }
}
