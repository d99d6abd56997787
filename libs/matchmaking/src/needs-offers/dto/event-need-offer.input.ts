import { Field, ID, InputType } from '@nestjs/graphql';
import { DecimalScalar } from '@zs/common';
import { EventNeedOfferKind } from '../event-need-offer.entity';

@InputType()
export class PostEventNeedOfferInput {
  @Field(() => ID) eventId!: string;
  @Field(() => ID, { nullable: true, description: 'The posting unit (defaults to yours): the host or a participant of the event' })
  unitId?: string | null;
  @Field(() => EventNeedOfferKind) kind!: EventNeedOfferKind;
  @Field(() => ID, {
    nullable: true,
    description: 'OFFER only: the lead the unit cannot host (one you may refer, owned by the posting unit or below it)',
  })
  leadId?: string | null;
  @Field({ description: 'An active INDUSTRY code' }) industryCode!: string;
  @Field(() => DecimalScalar, { nullable: true, description: '亩, ≥ 0, at most 2 decimals' }) landAreaMu?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'm², ≥ 0, at most 2 decimals' }) floorSpaceSqm?: string | null;
  @Field({ description: '2..2000 characters' }) description!: string;
}
