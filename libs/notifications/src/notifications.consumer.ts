import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import type { OutboxConsumer, OutboxDelivery, OutboxEvent } from '@zs/outbox';
import { JOB_ID, JobName, NOTIFICATION_DELIVER_JOB_OPTIONS, QueueFactory, QueueName } from '@zs/queue';
import { NotificationPlanner } from './notification-planner';
import { NotificationRepository } from './notification.repository';

/** Enqueueing gives up after this; the plan is committed and the sweep enqueues it later. */
const ENQUEUE_TIMEOUT_MS = 2000;
/** Where a delivery transaction collects the stage-2 jobs it planned, until it commits. */
const PENDING_JOBS = 'zsNotificationJobs';

type Chunk = { eventId: string; seq: number };

/**
 * Outbox consumer `notifications`, stage 1: per event, plans who hears of it (NotificationPlanner)
 * and stores the plan as chunks in the delivery's own transaction (a failed attempt or a crash leaves
 * no plan; a redelivery finds the first plan and keeps it), then, once that transaction has
 * committed, enqueues one stage-2 job per chunk under a fixed job id — all the chunks of the
 * delivery batch in one round trip. A job lost with Redis is enqueued again by the notification sweep.
 */
@Injectable()
export class NotificationsConsumer implements OutboxConsumer, EntitySubscriberInterface {
  readonly name = 'notifications';
  private readonly logger = new Logger(NotificationsConsumer.name);

  constructor(
    private readonly planner: NotificationPlanner,
    private readonly repo: NotificationRepository,
    private readonly queues: QueueFactory,
    @InjectDataSource() db: DataSource,
  ) {
    db.subscribers.push(this);
  }

  async handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
    // Zero-setup mode has one database session: every read goes through the delivery's manager.
    const m = delivery.manager;
    const plan = await this.planner.plan(event, m);
    const seqs = await this.repo.planOnce(m, event.eventId, plan);
    if (seqs.length === 0) return;
    const chunks = seqs.map((seq) => ({ eventId: event.eventId, seq }));
    const runner = m.queryRunner;
    if (runner?.isTransactionActive) ((runner.data[PENDING_JOBS] ??= []) as Chunk[]).push(...chunks);
    else void this.enqueue(chunks);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const chunks = event.queryRunner.data[PENDING_JOBS] as Chunk[] | undefined;
    if (!chunks) return;
    delete event.queryRunner.data[PENDING_JOBS];
    void this.enqueue(chunks);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    delete event.queryRunner.data[PENDING_JOBS];
  }

  private async enqueue(chunks: Chunk[]): Promise<void> {
    const jobs = chunks.map((c) => ({
      name: JobName.NotificationDeliver,
      data: { eventId: c.eventId, seq: c.seq },
      opts: { ...NOTIFICATION_DELIVER_JOB_OPTIONS, jobId: JOB_ID.notificationDeliver(c.eventId, c.seq) },
    }));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queues.queue(QueueName.Notifications).addBulk(jobs),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ENQUEUE_TIMEOUT_MS))),
      ]);
    } catch (err) {
      // The chunks are committed; the notification sweep enqueues them once Redis answers.
      this.logger.warn({ msg: 'stage-2 jobs not enqueued; the sweep will', chunks: chunks.length, error: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
}
