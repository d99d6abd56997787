import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, ConnectionType, CurrentActor, DecimalScalar, type GqlContext, type Connection } from '@zs/common';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { LeadModel, LeadStatsAttribution, LeadStatsGroupBy, type VisibleLead } from '@zs/leads';
import { TargetProgressRowModel, UnitTargetModel, UnitTargetRevisionModel } from './unit-target.model';
import { TargetsService } from './targets.service';
import { isSignedNotLanded } from './signed-not-landed';

const SignedNotLandedConnection = ConnectionType(LeadModel, 'SignedNotLandedLead');

@Resolver(() => UnitTargetModel)
export class UnitTargetResolver {
  constructor(
    private readonly service: TargetsService,
    private readonly units: OrgUnitLoader,
  ) {}

  @Mutation(() => UnitTargetModel, {
    description: '年度目标: MANAGER+ of a unit sets its own; MANAGER+ of the tier above sets its children’s. Every setting is kept in history',
  })
  setUnitTargets(
    @CurrentActor() actor: Actor,
    @Args('unitId', { type: () => ID }) unitId: string,
    @Args('year', { type: () => Int }) year: number,
    @Args('signedCount', { type: () => Int }) signedCount: number,
    @Args('signedInvestment', { type: () => DecimalScalar, description: '万元' }) signedInvestment: string,
    @Args('landedCount', { type: () => Int }) landedCount: number,
    @Args('landedInvestment', { type: () => DecimalScalar, description: '万元' }) landedInvestment: string,
  ): Promise<UnitTargetModel> {
    return this.service.set(actor, { unitId, year, signedCount, signedInvestment, landedCount, landedInvestment });
  }

  @ResolveField(() => OrgUnitModel)
  async unit(@Parent() t: UnitTargetModel, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(t.unitId))!;
  }

  @ResolveField(() => [UnitTargetRevisionModel], { description: 'Every setting, oldest first' })
  history(@Parent() t: UnitTargetModel): Promise<UnitTargetRevisionModel[]> {
    return this.service.history(t);
  }
}

@Resolver(() => UnitTargetRevisionModel)
export class UnitTargetRevisionResolver {
  constructor(private readonly units: OrgUnitLoader) {}

  @ResolveField(() => OrgUnitModel, { description: 'The unit whose manager set it' })
  async setByUnit(@Parent() r: UnitTargetRevisionModel, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(r.setByUnitId))!;
  }
}

@Resolver(() => TargetProgressRowModel)
export class TargetProgressResolver {
  constructor(
    private readonly service: TargetsService,
    private readonly units: OrgUnitLoader,
  ) {}

  @Query(() => [TargetProgressRowModel], {
    description: 'Targets beside the leadStats actuals per district or zone of your subtree; districts carry their zones',
  })
  targetProgress(
    @CurrentActor() actor: Actor,
    @Args('year', { type: () => Int }) year: number,
    @Args('groupBy', { type: () => LeadStatsGroupBy }) groupBy: LeadStatsGroupBy,
    @Args('attribution', { type: () => LeadStatsAttribution, nullable: true, defaultValue: LeadStatsAttribution.OWNER })
    attribution?: LeadStatsAttribution | null,
  ): Promise<TargetProgressRowModel[]> {
    return this.service.progress(actor, year, groupBy, attribution ?? LeadStatsAttribution.OWNER);
  }

  @Query(() => SignedNotLandedConnection, {
    description: '签约未落地: leads you may see, signed more than SIGNED_NOT_LANDED_MONTHS months ago and not landed (newest created first, as leads)',
  })
  signedNotLandedLeads(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<Connection<VisibleLead>> {
    return this.service.signedNotLanded(actor, first, after);
  }

  @ResolveField(() => OrgUnitModel)
  async unit(@Parent() r: TargetProgressRowModel, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(r.unitId))!;
  }
}

/** Lead.signedNotLanded (the watch flag), from this module. */
@Resolver(() => LeadModel)
export class LeadWatchResolver {
  constructor(private readonly service: TargetsService) {}

  @ResolveField(() => Boolean, { description: '签约未落地: SIGNED more than SIGNED_NOT_LANDED_MONTHS months ago and not landed' })
  signedNotLanded(@Parent() lead: VisibleLead): boolean {
    return isSignedNotLanded(lead, this.service.cutoff());
  }
}
