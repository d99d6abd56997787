import { Field, ID, InputType } from '@nestjs/graphql';
import { MatchmakingEventKind, MatchmakingEventStatus } from '../matchmaking-event.entity';

@InputType()
export class CreateMatchmakingEventInput {
  @Field({ description: '2..200 characters' }) name!: string;
  @Field(() => ID, { nullable: true, description: 'Defaults to your unit; must be your unit or below it' })
  hostUnitId?: string | null;
  @Field(() => Date) startsAt!: Date;
  @Field(() => Date) endsAt!: Date;
  @Field(() => String, { nullable: true }) place?: string | null;
  @Field(() => MatchmakingEventKind) kind!: MatchmakingEventKind;
  @Field(() => [ID], { nullable: true, description: 'Internal units taking part' }) participatingUnitIds?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'External parties by name, e.g. a park in Jiangsu (苏陕合作)' })
  externalParties?: string[] | null;
  @Field(() => String, { nullable: true }) notes?: string | null;
}

@InputType()
export class UpdateMatchmakingEventInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Date, { nullable: true }) startsAt?: Date | null;
  @Field(() => Date, { nullable: true }) endsAt?: Date | null;
  @Field(() => String, { nullable: true }) place?: string | null;
  @Field(() => MatchmakingEventKind, { nullable: true }) kind?: MatchmakingEventKind | null;
  @Field(() => MatchmakingEventStatus, { nullable: true }) status?: MatchmakingEventStatus | null;
  @Field(() => [ID], { nullable: true }) participatingUnitIds?: string[] | null;
  @Field(() => [String], { nullable: true }) externalParties?: string[] | null;
  @Field(() => String, { nullable: true }) notes?: string | null;
}

@InputType()
export class MatchmakingEventFilter {
  @Field(() => [MatchmakingEventStatus], { nullable: true }) statuses?: MatchmakingEventStatus[] | null;
  @Field(() => [MatchmakingEventKind], { nullable: true }) kinds?: MatchmakingEventKind[] | null;
  @Field(() => ID, { nullable: true, description: 'Events hosted by this unit or units below it' }) hostUnitId?: string | null;
  @Field(() => Date, { nullable: true }) startsFrom?: Date | null;
  @Field(() => Date, { nullable: true }) startsTo?: Date | null;
}
