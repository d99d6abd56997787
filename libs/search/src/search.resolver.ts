import { Args, Context, Int, Query, Resolver } from '@nestjs/graphql';
import { type Actor, CurrentActor, type GqlContext } from '@zs/common';
import { LeadFilter } from '@zs/leads';
import { LeadFacet, LeadSearchSort } from './search-engine';
import { LeadSearchResultModel } from './search.model';
import { SearchService } from './search.service';

@Resolver()
export class SearchResolver {
  constructor(private readonly search: SearchService) {}

  @Query(() => LeadSearchResultModel, {
    description: 'Full-text search over the leads you may see; first ≤ 100, offset + first ≤ 1000; an empty query lists everything',
  })
  searchLeads(
    @CurrentActor() actor: Actor,
    @Context() ctx: GqlContext,
    @Args('query') query: string,
    @Args('filter', { type: () => LeadFilter, nullable: true }) filter?: LeadFilter | null,
    @Args('sort', { type: () => LeadSearchSort, nullable: true, defaultValue: LeadSearchSort.RELEVANCE }) sort?: LeadSearchSort | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('offset', { type: () => Int, nullable: true, defaultValue: 0 }) offset?: number | null,
    @Args('facets', { type: () => [LeadFacet], nullable: true }) facets?: LeadFacet[] | null,
  ): Promise<LeadSearchResultModel> {
    return this.search.search(ctx, actor, { query, filter, sort, first, offset, facets });
  }

  @Query(() => [String], { description: 'Titles and investor names of leads you may see, for the search box; first ≤ 20' })
  searchSuggest(
    @CurrentActor() actor: Actor,
    @Args('prefix') prefix: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 10 }) first?: number | null,
  ): Promise<string[]> {
    return this.search.suggest(actor, prefix, first);
  }
}
