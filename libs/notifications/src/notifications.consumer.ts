import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import type { OutboxBatchDelivery, OutboxConsumer, OutboxDelivery, OutboxEvent } from '@zs/outbox';
import { JOB_ID, JobName, QueueFactory, QueueName, wakeJobOptions } from '@zs/queue';
import { NotificationRepository } from './notification.repository';

/** Enqueueing gives up after this; the request is committed and the notification sweep wakes the planner. */
const ENQUEUE_TIMEOUT_MS = 2000;
/** Set on a delivery transaction that requested plans: wake the planner once it commits. */
const PLAN_REQUESTED = 'zsNotificationPlanRequested';

/**
 * Outbox consumer `notifications`. In the delivery's own transaction it records that the event is to
 * be planned (a row keyed by the event: a redelivery or replay adds nothing, and a failed attempt or
 * a crash rolls it back with the delivery); once that transaction commits, it wakes the planner
 * (NotificationProcessor.plan), which computes the recipients of many events at once and enqueues
 * stage 2. The relay hands it whole batches (handleBatch), so a batch costs one statement here;
 * planning runs in batches off the relay's path.
 */
@Injectable()
export class NotificationsConsumer implements OutboxConsumer, EntitySubscriberInterface {
  readonly name = 'notifications';
  private readonly logger = new Logger(NotificationsConsumer.name);

  constructor(
    private readonly repo: NotificationRepository,
    private readonly queues: QueueFactory,
    @InjectDataSource() db: DataSource,
  ) {
    db.subscribers.push(this);
  }

  handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
    return this.handleBatch([event], delivery);
  }

  /** A relay batch: one multi-row insert of plan requests, one planner wake-up after the commit. */
  async handleBatch(events: readonly OutboxEvent[], delivery: OutboxBatchDelivery): Promise<void> {
    // Zero-setup mode has one database session: the write goes through the delivery's manager.
    await this.repo.requestPlans(
      delivery.manager,
      events.map((e) => e.eventId),
    );
    const runner = delivery.manager.queryRunner;
    if (runner?.isTransactionActive) runner.data[PLAN_REQUESTED] = true;
    else void this.wake();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!event.queryRunner.data[PLAN_REQUESTED]) return;
    delete event.queryRunner.data[PLAN_REQUESTED];
    void this.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    delete event.queryRunner.data[PLAN_REQUESTED];
  }

  private async wake(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queues
          .queue(QueueName.Notifications)
          .add(JobName.NotificationPlan, { reason: 'commit' }, wakeJobOptions(JOB_ID.notificationPlan)),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ENQUEUE_TIMEOUT_MS))),
      ]);
    } catch (err) {
      this.logger.warn({ msg: 'notification planner not woken; the sweep will', error: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
}
