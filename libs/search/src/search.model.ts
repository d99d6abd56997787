import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { LeadModel, type VisibleLead } from '@zs/leads';
import { LeadFacet, LeadSearchSort, SearchEngineKind } from './search-engine';

registerEnumType(LeadFacet, { name: 'LeadFacet' });
registerEnumType(LeadSearchSort, { name: 'LeadSearchSort', description: 'RELEVANCE (default) ranks title > investor > summary > industry > description' });
registerEnumType(SearchEngineKind, { name: 'SearchEngineKind', description: 'Which engine answered' });

export enum LeadSearchField {
  TITLE = 'TITLE',
  INVESTOR_NAME = 'INVESTOR_NAME',
  SUMMARY = 'SUMMARY',
  DESCRIPTION = 'DESCRIPTION',
}
registerEnumType(LeadSearchField, { name: 'LeadSearchField' });

@ObjectType('SearchHighlight')
export class SearchHighlightModel {
  @Field(() => LeadSearchField) field!: LeadSearchField;
  @Field({ description: 'HTML-escaped text with matches wrapped in <mark>…</mark>' }) snippet!: string;
}

@ObjectType('LeadSearchHit')
export class LeadSearchHitModel {
  @Field(() => LeadModel) lead!: VisibleLead;
  @Field(() => Float) score!: number;
  @Field(() => [SearchHighlightModel]) highlights!: SearchHighlightModel[];
}

@ObjectType('LeadFacetValue')
export class LeadFacetValueModel {
  @Field() value!: string;
  @Field() label!: string;
  @Field(() => Int) count!: number;
}

@ObjectType('LeadFacetResult')
export class LeadFacetResultModel {
  @Field(() => LeadFacet) facet!: LeadFacet;
  @Field(() => [LeadFacetValueModel]) values!: LeadFacetValueModel[];
}

@ObjectType('LeadSearchResult')
export class LeadSearchResultModel {
  @Field(() => Int, { description: 'Matching leads you may see (not only this page)' }) totalHits!: number;
  @Field(() => SearchEngineKind) engine!: SearchEngineKind;
  @Field(() => [LeadSearchHitModel]) hits!: LeadSearchHitModel[];
  @Field(() => [LeadFacetResultModel]) facets!: LeadFacetResultModel[];
}
