import { Field, InputType } from '@nestjs/graphql';
import { NotificationKind } from '../notification.entity';

/** Fields left out keep their value; null resets instant/digest to the role default and clears email. */
@InputType()
export class NotificationPreferencesInput {
  @Field(() => [NotificationKind], { nullable: true })
  mutedKinds?: NotificationKind[] | null;

  @Field(() => [String], { nullable: true, description: 'Active industry codes, at most 20' })
  industryCodes?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  instant?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  digest?: boolean | null;

  @Field(() => String, { nullable: true, description: 'An e-mail address for the digest, at most 254 characters' })
  email?: string | null;
}
