import { Args, Int, Parent, Query, ResolveField, Resolver, Context } from '@nestjs/graphql';
import { type Actor, CurrentActor, type GqlContext, ValidationException } from '@zs/common';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { LeadStatsAttribution, LeadStatsGroupBy, LeadStatsRowModel } from './lead-stats.model';
import { LeadStatsRepository } from './lead-stats.repository';

@Resolver(() => LeadStatsRowModel)
export class LeadStatsResolver {
  constructor(
    private readonly stats: LeadStatsRepository,
    private readonly units: OrgUnitLoader,
  ) {}

  @Query(() => [LeadStatsRowModel], { description: 'Yearly 签约落地 figures per district or zone of your subtree' })
  leadStats(
    @CurrentActor() actor: Actor,
    @Args('year', { type: () => Int }) year: number,
    @Args('groupBy', { type: () => LeadStatsGroupBy }) groupBy: LeadStatsGroupBy,
    @Args('attribution', { type: () => LeadStatsAttribution, nullable: true, defaultValue: LeadStatsAttribution.OWNER })
    attribution?: LeadStatsAttribution | null,
  ): Promise<LeadStatsRowModel[]> {
    if (year < 2000 || year > 2100) throw ValidationException.field('year', 'must be between 2000 and 2100');
    return this.stats.yearly(actor, year, groupBy, attribution ?? LeadStatsAttribution.OWNER);
  }

  @ResolveField(() => OrgUnitModel)
  async unit(@Parent() row: LeadStatsRowModel, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(row.unitId))!;
  }
}
