import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver, Context } from '@nestjs/graphql';
import { type Actor, CurrentActor, type GqlContext, isUuid } from '@zs/common';
import { type CodeItemEntity, CodeItemLoader, CodeItemModel, CodeKind } from '@zs/codes';
import { OrgTier, type OrgUnitEntity } from './org-unit.entity';
import { OrgUnitModel } from './org-unit.model';
import { OrgUnitService } from './org-unit.service';
import { OrgUnitLoader } from './org-unit.loader';
import { CreateOrgUnitInput, UpdateOrgUnitInput } from './dto/org-unit.input';

@Resolver(() => OrgUnitModel)
export class OrgUnitResolver {
  constructor(
    private readonly units: OrgUnitService,
    private readonly loader: OrgUnitLoader,
    private readonly codes: CodeItemLoader,
  ) {}

  @Query(() => [OrgUnitModel], { description: 'Units of the organisation, optionally of one tier' })
  orgUnits(
    @CurrentActor() _actor: Actor,
    @Args('tier', { type: () => OrgTier, nullable: true }) tier?: OrgTier | null,
  ): Promise<OrgUnitEntity[]> {
    return this.units.list(tier ?? undefined);
  }

  @Query(() => OrgUnitModel, { nullable: true })
  orgUnit(@CurrentActor() _actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<OrgUnitEntity | null> {
    return isUuid(id) ? this.units.findById(id) : Promise.resolve(null);
  }

  @Query(() => OrgUnitModel, { nullable: true })
  orgUnitByCode(@CurrentActor() _actor: Actor, @Args('code') code: string): Promise<OrgUnitEntity | null> {
    return this.units.findByCode(code);
  }

  @Mutation(() => OrgUnitModel)
  createOrgUnit(@CurrentActor() actor: Actor, @Args('input') input: CreateOrgUnitInput): Promise<OrgUnitEntity> {
    return this.units.create(actor, input);
  }

  @Mutation(() => OrgUnitModel)
  updateOrgUnit(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateOrgUnitInput,
  ): Promise<OrgUnitEntity> {
    return this.units.update(actor, id, input);
  }

  // graphql-js's own (parent, args, context) arguments: no parameter decorators lets Nest bind the
  // method directly instead of running its per-call context pipeline for every unit of a page.
  @ResolveField(() => OrgUnitModel, { nullable: true })
  parent(unit: OrgUnitEntity, _args: unknown, ctx: GqlContext): OrgUnitEntity | null | Promise<OrgUnitEntity | null> {
    return unit.parentId ? this.loader.byId(ctx).get(unit.parentId) : null;
  }

  @ResolveField(() => [OrgUnitModel])
  children(@Parent() unit: OrgUnitEntity, @Context() ctx: GqlContext): Promise<OrgUnitEntity[]> {
    return this.loader.childrenOf(ctx).load(unit.id);
  }

  @ResolveField(() => [CodeItemModel], { description: '主导产业: the INDUSTRY codes the unit focuses on' })
  async leadingIndustries(@Parent() unit: OrgUnitEntity, @Context() ctx: GqlContext): Promise<CodeItemModel[]> {
    const items = await this.codes
      .forRequest(ctx)
      .loadMany(unit.leadingIndustryCodes.map((code) => ({ kind: CodeKind.INDUSTRY, code })));
    return items.filter((i): i is CodeItemEntity => i !== null && !(i instanceof Error));
  }
}
