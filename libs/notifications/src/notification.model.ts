import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { NotificationKind } from './notification.entity';

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What a notification is about; each kind can be muted (updateNotificationPreferences)',
});

@ObjectType('Notification', { description: 'An in-app notification of the calling user' })
export class NotificationModel {
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field({ description: 'Chinese, with the lead code and title' })
  title!: string;

  @Field({ description: 'Chinese, with the lead code and title and the acting unit' })
  body!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  readAt!: Date | null;
}

@ObjectType('NotificationPreferences')
export class NotificationPreferencesModel {
  @Field(() => [NotificationKind], { description: 'Kinds you are not notified of' })
  mutedKinds!: NotificationKind[];

  @Field(() => [String], {
    description: 'Industry codes of interest: city-wide shares in them reach you, and the digest lists new leads in them (default: your unit\'s leading industries)',
  })
  industryCodes!: string[];

  @Field({ description: 'In-app and live notifications as events happen (default: on, off for VIEWERs)' })
  instant!: boolean;

  @Field({ description: 'The daily digest (default: on for VIEWERs, off otherwise)' })
  digest!: boolean;

  @Field(() => String, { nullable: true, description: 'Where the digest is e-mailed (when the platform has SMTP_URL)' })
  email!: string | null;
}
