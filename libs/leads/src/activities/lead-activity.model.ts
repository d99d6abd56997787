import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { LeadActivityKind } from './lead-activity.entity';

registerEnumType(LeadActivityKind, { name: 'LeadActivityKind' });

@ObjectType('LeadActivity', { description: 'A follow-up: visit, call, meeting, note or event' })
export class LeadActivityModel {
  @Field(() => ID) id!: string;
  @Field(() => LeadActivityKind) kind!: LeadActivityKind;
  @Field() occurredAt!: Date;
  @Field() summary!: string;
  @Field(() => [String]) participants!: string[];
  @Field() createdAt!: Date;
  leadId!: string;
  createdById!: string;
}
