import { Module } from '@nestjs/common';
import { LeadsModule } from '@zs/leads';
import { OrgUnitModule } from '@zs/org';
import { WebhookConsumer } from './webhook.consumer';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookMetrics } from './webhook-metrics';
import { WebhooksCoreModule } from './webhooks.module';

/**
 * The worker side: the delivery processor and sweep. Also what WebhookConsumer needs, which
 * OutboxWorkerModule instantiates: register both with `webhookOutboxConsumers`.
 */
@Module({
  imports: [WebhooksCoreModule, LeadsModule, OrgUnitModule],
  providers: [WebhookMetrics, WebhookDeliveryService, WebhookDeliveryProcessor],
  exports: [WebhooksCoreModule, LeadsModule, OrgUnitModule, WebhookDeliveryService],
})
export class WebhooksWorkerModule {}

/** For OutboxWorkerModule.forRoot: `consumers: [...WEBHOOK_OUTBOX.consumers]`, `imports: [...WEBHOOK_OUTBOX.imports]`. */
export const WEBHOOK_OUTBOX = { consumers: [WebhookConsumer], imports: [WebhooksWorkerModule] };
