import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ExportAuditEntry', { description: 'One export of leads or statistics: who, when, with which filter, how many rows' })
export class ExportAuditModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'user or apiClient' }) actorKind!: string;
  @Field(() => ID) actorId!: string;
  @Field({ description: 'leads.xlsx, leads.csv or stats.xlsx' }) kind!: string;
  @Field({ description: 'The filter as JSON' }) filter!: string;
  @Field(() => Int) rows!: number;
  @Field(() => Date) at!: Date;
}
