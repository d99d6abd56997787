import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { JobName, type JobPayloads, QueueFactory, QueueName, webhookJobOptions } from '@zs/queue';

export interface DueDelivery {
  id: string;
  dueAt: Date;
}

/** Longest an enqueue may wait for Redis before it is given up (the sweep enqueues it later). */
const ENQUEUE_TIMEOUT_MS = 2000;

/** Set on a transaction's QueryRunner: deliveries to enqueue once it commits. */
const PENDING_JOBS = 'zsWebhookJobs';

/**
 * Enqueues webhook delivery attempts (one job per delivery and due time, so enqueueing twice is
 * harmless). Never throws: a delivery whose job could not be enqueued is still due in PostgreSQL
 * and the sweep enqueues it.
 */
@Injectable()
export class WebhookJobs implements EntitySubscriberInterface {
  private readonly logger = new Logger(WebhookJobs.name);
  private lastWarned = 0;

  constructor(
    private readonly queues: QueueFactory,
    @InjectDataSource() db: DataSource,
  ) {
    db.subscribers.push(this);
  }

  /**
   * Enqueues the deliveries when the transaction of `manager` commits: before that, a worker could
   * not see their rows (and a rollback means they never existed). Outside a transaction: at once.
   */
  afterCommit(manager: EntityManager, deliveries: DueDelivery[]): void {
    if (deliveries.length === 0) return;
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      void this.enqueue(deliveries);
      return;
    }
    const pending = (runner.data[PENDING_JOBS] as DueDelivery[] | undefined) ?? [];
    pending.push(...deliveries);
    runner.data[PENDING_JOBS] = pending;
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const pending = event.queryRunner.data[PENDING_JOBS] as DueDelivery[] | undefined;
    if (!pending) return;
    delete event.queryRunner.data[PENDING_JOBS];
    void this.enqueue(pending);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    delete event.queryRunner.data[PENDING_JOBS];
  }

  async enqueue(deliveries: DueDelivery[]): Promise<boolean> {
    if (deliveries.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const queue = this.queues.queue(QueueName.Webhooks);
      const add = (async () => {
        const client = await queue.getBackend().client;
        // Not connected: do not pile commands into the offline queue; the sweep covers these.
        if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
        await queue.addBulk(
          deliveries.map((d) => ({
            name: JobName.WebhookDeliver,
            data: { deliveryId: d.id } satisfies JobPayloads[JobName.WebhookDeliver],
            opts: webhookJobOptions(d.id, d.dueAt),
          })),
        );
      })();
      await Promise.race([
        add,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch (err) {
      const now = Date.now();
      if (now - this.lastWarned > 60_000) {
        this.lastWarned = now;
        this.logger.warn({
          msg: 'webhook delivery jobs not enqueued; the sweep will enqueue them',
          deliveries: deliveries.length,
          error: err instanceof Error ? err.message : String(err),
        });
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
