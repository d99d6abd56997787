import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Context } from '@nestjs/graphql';
import { type Actor, ConnectionType, keysetConnection, keysetCursor, CurrentActor, type GqlContext, pageSize, type Connection } from '@zs/common';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { LeadModel } from '../lead.model';
import type { VisibleLead } from '../lead.entity';
import { LeadLoader } from '../lead.loader';
import { ReferralModel } from './referral.model';
import { ReferralService } from './referral.service';
import { ReferralDirection, type ReferralEntity, ReferralStatus } from './referral.entity';

const ReferralConnection = ConnectionType(ReferralModel, 'Referral');

@Resolver(() => ReferralModel)
export class ReferralResolver {
  constructor(
    private readonly referralService: ReferralService,
    private readonly leads: LeadLoader,
    private readonly units: OrgUnitLoader,
  ) {}

  @Query(() => ReferralConnection, { description: 'Referrals to (INCOMING) or from (OUTGOING) your unit' })
  async referrals(
    @CurrentActor() actor: Actor,
    @Args('direction', { type: () => ReferralDirection }) direction: ReferralDirection,
    @Args('status', { type: () => ReferralStatus, nullable: true }) status?: ReferralStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<Connection<ReferralEntity>> {
    const limit = pageSize(first);
    const cursor = keysetCursor(after);
    return keysetConnection(await this.referralService.page(actor, direction, status ?? null, limit, cursor), limit, cursor);
  }

  @Mutation(() => ReferralModel, { description: 'Offer the lead to another unit (项目流转)' })
  referLead(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('toUnitId', { type: () => ID, nullable: true, description: 'The receiving unit; or give toUnitCode' }) toUnitId?: string | null,
    @Args('note', { type: () => String, nullable: true }) note?: string | null,
    @Args('toUnitCode', { type: () => String, nullable: true, description: 'The receiving unit by code (e.g. 610115-Z1); exactly one of toUnitId and toUnitCode' })
    toUnitCode?: string | null,
  ): Promise<ReferralEntity> {
    return this.referralService.refer(actor, id, { id: toUnitId, code: toUnitCode }, note);
  }

  @Mutation(() => ReferralModel, { description: 'The referring unit takes back a PENDING referral (status WITHDRAWN)' })
  withdrawReferral(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('note', { type: () => String, nullable: true }) note?: string | null,
  ): Promise<ReferralEntity> {
    return this.referralService.withdraw(actor, id, note);
  }

  @Mutation(() => ReferralModel, { description: 'Accept (join the assigned units) or decline with a reason' })
  respondToReferral(
    @CurrentActor() actor: Actor,
    @Args('referralId', { type: () => ID }) referralId: string,
    @Args('accept') accept: boolean,
    @Args('note', { type: () => String, nullable: true }) note?: string | null,
  ): Promise<ReferralEntity> {
    return this.referralService.respond(actor, referralId, accept, note);
  }

  @ResolveField(() => LeadModel, { nullable: true, description: 'Null once you may no longer see the lead' })
  lead(@Parent() r: ReferralEntity, @Context() ctx: GqlContext): Promise<VisibleLead | null> {
    return this.leads.visible(ctx, ctx.actor!).load(r.leadId);
  }

  @ResolveField(() => OrgUnitModel)
  async fromUnit(@Parent() r: ReferralEntity, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(r.fromUnitId))!;
  }

  @ResolveField(() => OrgUnitModel)
  async toUnit(@Parent() r: ReferralEntity, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(r.toUnitId))!;
  }
}
