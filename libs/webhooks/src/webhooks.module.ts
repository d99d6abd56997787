import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueModule } from '@zs/queue';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';
import { WebhookJobs } from './webhook-jobs';
import { WebhookRepository } from './webhook.repository';
import { WebhookResolver } from './webhook.resolver';
import { WebhookService } from './webhook.service';

/** What the api and the worker share: the tables and the job enqueueing (one instance per app). */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEntity, WebhookDeliveryEntity]), QueueModule],
  providers: [WebhookRepository, WebhookJobs],
  exports: [WebhookRepository, WebhookJobs],
})
export class WebhooksCoreModule {}

/** The api side: managing webhooks through GraphQL. */
@Module({
  imports: [WebhooksCoreModule],
  providers: [WebhookService, WebhookResolver],
  exports: [WebhookService],
})
export class WebhooksModule {}
