import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ReferralDirection, ReferralStatus } from './referral.entity';

registerEnumType(ReferralStatus, { name: 'ReferralStatus' });
registerEnumType(ReferralDirection, { name: 'ReferralDirection' });

@ObjectType('Referral', { description: '项目流转: a lead offered by its owner chain to a better-fitting unit' })
export class ReferralModel {
  @Field(() => ID) id!: string;
  @Field(() => ReferralStatus) status!: ReferralStatus;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => String, { nullable: true, description: 'The receiver’s answer; the reason when declined' })
  responseNote!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) respondedAt!: Date | null;
  leadId!: string;
  fromUnitId!: string;
  toUnitId!: string;
}
