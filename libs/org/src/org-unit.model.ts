import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { OrgTier } from './org-unit.entity';

registerEnumType(OrgTier, {
  name: 'OrgTier',
  description: 'CITY (市) → DISTRICT (区/县) → ZONE (工业集中区/产业园区)',
});

@ObjectType('OrgUnit', { description: 'A unit of the three-tier organisation' })
export class OrgUnitModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'GB/T 2260 code for the city and districts; a local code for zones' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => OrgTier)
  tier!: OrgTier;

  @Field()
  active!: boolean;

  // Resolved fields (parent, children, leadingIndustries) live on the resolver.
  parentId!: string | null;
  path!: string;
  leadingIndustryCodes!: string[];
}
