import { Field, ID, InputType, Int } from '@nestjs/graphql';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: '2 to 100 characters; unique among active keys' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The unit the key acts for, by id (or give unitCode)' })
  unitId?: string | null;

  @Field(() => String, { nullable: true, description: 'The unit the key acts for, by code (or give unitId)' })
  unitCode?: string | null;

  @Field(() => [String], { nullable: true, description: 'leads:read (default), leads:write' })
  scopes?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Requests per minute, 1 to 100000 (default 600)' })
  rateLimitPerMinute?: number | null;
}
