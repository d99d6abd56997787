import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ApiClient', { description: 'A partner developer key acting for a unit' })
export class ApiClientModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [String], { description: 'e.g. leads:read, leads:write' })
  scopes!: string[];

  @Field(() => Int)
  rateLimitPerMinute!: number;

  unitId!: string;
}
