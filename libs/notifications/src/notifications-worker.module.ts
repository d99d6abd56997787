import { Module } from '@nestjs/common';
import { NotificationsConsumer } from './notifications.consumer';
import { NotificationHub } from './notification-hub';
import { NotificationMailer } from './notification-mailer';
import { NotificationPlanner } from './notification-planner';
import { NotificationProcessor } from './notification.processor';
import { NotificationRepository } from './notification.repository';

/**
 * The worker side: what the `notifications` outbox consumer needs (planner, repository) and the
 * stage-2, digest and reminder processors. Register with
 * `OutboxWorkerModule.forRoot({ consumers: [NotificationsConsumer], imports: [NotificationsWorkerModule] })`
 * (needs the host's DatabaseModule, RedisModule, QueueModule and MetricsModule).
 */
@Module({
  providers: [NotificationRepository, NotificationPlanner, NotificationHub, NotificationMailer, NotificationProcessor],
  exports: [NotificationRepository, NotificationPlanner, NotificationProcessor],
})
export class NotificationsWorkerModule {}

/** For OutboxWorkerModule.forRoot(outboxParts(...)): the notifications consumer and the modules it needs. */
export const NOTIFICATION_OUTBOX = { consumers: [NotificationsConsumer], imports: [NotificationsWorkerModule] };
