import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@zs/common';
import { WebhookDeliveryStatus } from './webhook.entity';
import { WebhookEventType } from './webhook-event-type';

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING (not tried yet) → DELIVERED, or FAILED (retrying with backoff) → … → DEAD',
});

@ObjectType('Webhook', { description: "A partner endpoint that receives signed POSTs of the lead events its API client may see" })
export class WebhookModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) apiClientId!: string;
  @Field() url!: string;
  @Field(() => [WebhookEventType]) events!: WebhookEventType[];
  @Field() active!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType('CreateWebhookPayload')
export class CreateWebhookPayloadModel {
  @Field({ description: 'The signing secret (HMAC-SHA256), shown this once' })
  secret!: string;

  @Field(() => WebhookModel)
  webhook!: WebhookModel;
}

@ObjectType('WebhookDelivery', { description: 'One event for one webhook, with its attempts' })
export class WebhookDeliveryModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) webhookId!: string;
  @Field(() => ID, { description: 'The event id: the body `id`, the same on every attempt' }) eventId!: string;
  @Field(() => WebhookEventType) eventType!: WebhookEventType;
  @Field(() => WebhookDeliveryStatus) status!: WebhookDeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => Date, { nullable: true, description: 'When the next attempt is due (PENDING, FAILED)' })
  nextAttemptAt!: Date | null;
  @Field(() => Int, { nullable: true }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const WebhookConnection = ConnectionType(WebhookModel, 'Webhook');
export const WebhookDeliveryConnection = ConnectionType(WebhookDeliveryModel, 'WebhookDelivery');
