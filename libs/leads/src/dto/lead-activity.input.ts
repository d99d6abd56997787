import { Field, InputType } from '@nestjs/graphql';
import { LeadActivityKind } from '../activities/lead-activity.entity';

@InputType()
export class LeadActivityInput {
  @Field(() => LeadActivityKind) kind!: LeadActivityKind;
  @Field() occurredAt!: Date;
  @Field({ description: '1..2000 characters' }) summary!: string;
  @Field(() => [String], { nullable: true, description: 'At most 50 names' }) participants?: string[] | null;
}
