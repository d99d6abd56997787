import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, type Connection, CurrentActor } from '@zs/common';
import { WebhookDeliveryStatus } from './webhook.entity';
import { WebhookEventType } from './webhook-event-type';
import {
  CreateWebhookPayloadModel,
  WebhookConnection,
  WebhookDeliveryConnection,
  WebhookDeliveryModel,
  WebhookModel,
} from './webhook.model';
import { WebhookService } from './webhook.service';

/** Partner webhooks: API clients manage their own, ADMINs those of the API clients of their subtree. */
@Resolver(() => WebhookModel)
export class WebhookResolver {
  constructor(private readonly service: WebhookService) {}

  @Mutation(() => CreateWebhookPayloadModel, {
    description:
      'Subscribes an endpoint to lead events the API client may see; the signing secret is shown only here. ' +
      'URLs resolving to loopback, private or link-local addresses are refused. ADMINs name the apiClientId.',
  })
  createWebhook(
    @CurrentActor() actor: Actor,
    @Args('url') url: string,
    @Args('events', { type: () => [WebhookEventType] }) events: WebhookEventType[],
    @Args('apiClientId', { type: () => ID, nullable: true }) apiClientId: string | null,
  ): Promise<CreateWebhookPayloadModel> {
    return this.service.create(actor, { url, events, apiClientId });
  }

  @Query(() => WebhookConnection, { description: 'Your webhooks (API client), or those of the API clients of your subtree (ADMIN)' })
  webhooks(
    @CurrentActor() actor: Actor,
    @Args('apiClientId', { type: () => ID, nullable: true }) apiClientId: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<WebhookModel>> {
    return this.service.page(actor, { apiClientId, first, after });
  }

  @Mutation(() => Boolean, { description: 'Deletes the webhook and its delivery log' })
  deleteWebhook(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.delete(actor, id);
  }

  @Query(() => WebhookDeliveryConnection, { description: "A webhook's deliveries, newest first" })
  webhookDeliveries(
    @CurrentActor() actor: Actor,
    @Args('webhookId', { type: () => ID }) webhookId: string,
    @Args('status', { type: () => WebhookDeliveryStatus, nullable: true }) status: WebhookDeliveryStatus | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<WebhookDeliveryModel>> {
    return this.service.deliveries(actor, { webhookId, status, first, after });
  }

  @Mutation(() => WebhookDeliveryModel, {
    description: 'Sends a delivery again (same body and event id) with a fresh set of attempts, e.g. a DEAD one',
  })
  redeliverWebhook(@CurrentActor() actor: Actor, @Args('deliveryId', { type: () => ID }) deliveryId: string): Promise<WebhookDeliveryModel> {
    return this.service.redeliver(actor, deliveryId);
  }
}
