import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DecimalScalar } from '@zs/common';
import { EventNeedOfferKind, EventNeedOfferStatus } from './event-need-offer.entity';

registerEnumType(EventNeedOfferKind, {
  name: 'EventNeedOfferKind',
  description: 'NEED: what the unit seeks; OFFER: a project it cannot host and offers to the others',
});
registerEnumType(EventNeedOfferStatus, { name: 'EventNeedOfferStatus', description: 'OPEN → ANSWERED (by a referral) or WITHDRAWN' });

@ObjectType('EventNeedOffer', { description: 'A need or an offer a unit posts at a matchmaking event; answered by a referral' })
export class EventNeedOfferModel {
  @Field(() => ID) id!: string;
  @Field(() => EventNeedOfferKind) kind!: EventNeedOfferKind;
  @Field(() => EventNeedOfferStatus) status!: EventNeedOfferStatus;
  @Field() industryCode!: string;
  @Field(() => DecimalScalar, { nullable: true, description: '亩' }) landAreaMu!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'm²' }) floorSpaceSqm!: string | null;
  @Field() description!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) answeredAt!: Date | null;
  eventId!: string;
  unitId!: string;
  unitPath!: string;
  leadId!: string | null;
  referralId!: string | null;
  answeredUnitId!: string | null;
}
