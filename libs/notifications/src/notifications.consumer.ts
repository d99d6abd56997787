import { Injectable, Logger } from '@nestjs/common';
import type { OutboxConsumer, OutboxDelivery, OutboxEvent } from '@zs/outbox';
import { JOB_ID, JobName, NOTIFICATION_DELIVER_JOB_OPTIONS, QueueFactory, QueueName } from '@zs/queue';
import { NotificationPlanner } from './notification-planner';
import { NotificationRepository } from './notification.repository';

/** Enqueueing gives up after this; the plan is committed and the sweep enqueues it later. */
const ENQUEUE_TIMEOUT_MS = 2000;

/**
 * Outbox consumer `notifications`, stage 1: per event, plans who hears of it (NotificationPlanner)
 * and stores the plan as chunks in the delivery's own transaction (so a failed attempt or a crash
 * leaves no plan, and a redelivery plans the same chunks again: same keys), then enqueues one
 * stage-2 job per chunk under a fixed job id.
 */
@Injectable()
export class NotificationsConsumer implements OutboxConsumer {
  readonly name = 'notifications';
  private readonly logger = new Logger(NotificationsConsumer.name);

  constructor(
    private readonly planner: NotificationPlanner,
    private readonly repo: NotificationRepository,
    private readonly queues: QueueFactory,
  ) {}

  async handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
    // Zero-setup mode has one database session: every read goes through the delivery's manager.
    const m = delivery.manager;
    // Planned before (a redelivery, a replay): the plan stands, only its undelivered chunks are enqueued
    // again. Re-planning from today's state would tell people who joined since (new followers).
    let chunks: { eventId: string; seq: number }[] | null = await this.repo.plannedChunks(m, event.eventId);
    if (!chunks) {
      const plan = await this.planner.plan(event, m);
      await this.repo.insertFanout(m, event.eventId, plan);
      chunks = plan;
    }
    if (chunks.length === 0) return;
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
      // The chunks commit with this delivery; the notification sweep enqueues them once Redis answers.
      this.logger.warn({ msg: 'stage-2 jobs not enqueued; the sweep will', eventId: event.eventId, error: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
}
