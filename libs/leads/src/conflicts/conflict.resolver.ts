import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Context } from '@nestjs/graphql';
import { type Actor, ConnectionType, keysetConnection, keysetCursor, CurrentActor, type GqlContext, pageSize, type Connection } from '@zs/common';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { LeadModel } from '../lead.model';
import type { VisibleLead } from '../lead.entity';
import { LeadLoader } from '../lead.loader';
import { LeadConflictModel } from './conflict.model';
import { ConflictService } from './conflict.service';
import { ConflictResolution, ConflictStatus, type LeadConflictEntity } from './conflict.entity';

const LeadConflictConnection = ConnectionType(LeadConflictModel, 'LeadConflict');

@Resolver(() => LeadConflictModel)
export class ConflictResolver {
  constructor(
    private readonly conflictService: ConflictService,
    private readonly leadLoader: LeadLoader,
    private readonly units: OrgUnitLoader,
  ) {}

  @Query(() => LeadConflictConnection, { description: 'Investor conflicts coordinated by your unit or units below it' })
  async conflicts(
    @CurrentActor() actor: Actor,
    @Args('status', { type: () => ConflictStatus, nullable: true }) status?: ConflictStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<Connection<LeadConflictEntity>> {
    const limit = pageSize(first);
    const cursor = keysetCursor(after);
    return keysetConnection(await this.conflictService.page(actor, status ?? null, limit, cursor), limit, cursor);
  }

  @Mutation(() => LeadConflictModel)
  resolveConflict(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('resolution', { type: () => ConflictResolution }) resolution: ConflictResolution,
    @Args('note', { type: () => String, nullable: true }) note?: string | null,
  ): Promise<LeadConflictEntity> {
    return this.conflictService.resolve(actor, id, resolution, note);
  }

  @ResolveField(() => OrgUnitModel)
  async coordinatingUnit(@Parent() c: LeadConflictEntity, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(c.coordinatingUnitId))!;
  }

  @ResolveField(() => [LeadModel], {
    description: 'The leads of the case, first joined first (of the two that opened it, the smaller id first); in full for the coordinating unit',
  })
  async leads(@Parent() c: LeadConflictEntity, @Context() ctx: GqlContext): Promise<VisibleLead[]> {
    const members = await this.leadLoader.conflictMembers(ctx).load(c.id);
    const loaded = await this.leadLoader.visible(ctx, ctx.actor!).loadMany(members);
    return loaded.filter((l): l is VisibleLead => l !== null && !(l instanceof Error));
  }

  @ResolveField(() => Int, { description: 'How many leads the case holds (the coordinating unit sees them all in `leads`)' })
  async leadCount(@Parent() c: LeadConflictEntity, @Context() ctx: GqlContext): Promise<number> {
    return (await this.leadLoader.conflictMembers(ctx).load(c.id)).length;
  }
}
