import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DecimalScalar } from '@zs/common';
import { MatchmakingEventKind, MatchmakingEventStatus } from './matchmaking-event.entity';

registerEnumType(MatchmakingEventKind, { name: 'MatchmakingEventKind' });
registerEnumType(MatchmakingEventStatus, { name: 'MatchmakingEventStatus', description: 'PLANNED → OPEN → CLOSED' });

@ObjectType('MatchmakingEvent', { description: '项目对接活动: an exchange and matchmaking event' })
export class MatchmakingEventModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => Date) startsAt!: Date;
  @Field(() => Date) endsAt!: Date;
  @Field(() => String, { nullable: true }) place!: string | null;
  @Field(() => MatchmakingEventKind) kind!: MatchmakingEventKind;
  @Field(() => MatchmakingEventStatus) status!: MatchmakingEventStatus;
  @Field(() => [String], { description: 'External parties by name' }) externalParties!: string[];
  @Field(() => String, { nullable: true }) notes!: string | null;
  @Field(() => Int) version!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  hostUnitId!: string;
  hostPath!: string;
  participatingUnitIds!: string[];
}

@ObjectType('MatchmakingEventSummary', { description: 'Result of an event, counting only leads you may see' })
export class MatchmakingEventSummaryModel {
  @Field(() => Int) leadsPresented!: number;
  @Field(() => Int) signedAtEvent!: number;
  @Field(() => DecimalScalar, { description: '万元: investment of the leads signed at the event' }) signedInvestment!: string;
}
