import { Field, ID, InputType } from '@nestjs/graphql';
import { OrgTier } from '../org-unit.entity';

@InputType()
export class CreateOrgUnitInput {
  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => OrgTier)
  tier!: OrgTier;

  @Field(() => ID, { nullable: true, description: 'Parent unit id; required for every tier but CITY' })
  parentId?: string | null;

  @Field(() => [String], { nullable: true, description: 'INDUSTRY codes; a zone has one or two (主导产业)' })
  leadingIndustryCodes?: string[] | null;
}

@InputType()
export class UpdateOrgUnitInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => [String], { nullable: true })
  leadingIndustryCodes?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'false deactivates; refused while active children or users remain' })
  active?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Move the unit under another parent' })
  parentId?: string | null;
}
