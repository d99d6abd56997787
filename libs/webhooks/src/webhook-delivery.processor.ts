import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { JobName, type JobPayloads, QueueFactory, QueueName } from '@zs/queue';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Fixed id: however many workers keep it, the sweep schedule exists once. */
export const WEBHOOK_SWEEP_SCHEDULER = 'webhook.sweep';
const SWEEP_EVERY_MS = 30_000;
/** Attempts in flight per worker process: each may wait up to WEBHOOK_TIMEOUT_MS on a slow receiver. */
const CONCURRENCY = 8;

/**
 * The worker side of partner webhooks, on its own queue (QueueName.Webhooks), so slow or failing
 * partner endpoints never hold up the outbox consumers or the inbox: WebhookDeliver jobs (one per
 * scheduled attempt) and the repeatable WebhookSweep.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookJobs');

  constructor(
    private readonly queues: QueueFactory,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker(QueueName.Webhooks, (job) => this.process(job), { concurrency: CONCURRENCY });
    await this.queues.schedule({
      queue: QueueName.Webhooks,
      id: WEBHOOK_SWEEP_SCHEDULER,
      repeat: { every: SWEEP_EVERY_MS },
      job: {
        name: JobName.WebhookSweep,
        data: {} satisfies JobPayloads[JobName.WebhookSweep],
        opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
      },
    });
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName;
    const started = performance.now();
    const log = (outcome: unknown, error?: string) => ({
      msg: 'job',
      job: name,
      id: job.id,
      attempt: job.attemptsMade + 1,
      ms: Math.round(performance.now() - started),
      outcome,
      ...(error ? { error } : {}),
    });
    try {
      const outcome = await this.run(name, job);
      this.logger.debug(log(outcome));
      return outcome;
    } catch (err) {
      this.logger.warn(log('error', err instanceof Error ? err.message : String(err)));
      throw err;
    }
  }

  /** Only this queue's jobs (not a switch over every JobName: other queues' jobs never come here). */
  private async run(name: JobName, job: Job): Promise<unknown> {
    if (name === JobName.WebhookDeliver) {
      const { deliveryId } = job.data as JobPayloads[JobName.WebhookDeliver];
      return this.deliveries.attempt(deliveryId);
    }
    if (name === JobName.WebhookSweep) return { enqueued: await this.deliveries.enqueueDue() };
    throw new UnrecoverableError(`job ${name} does not belong on the webhooks queue`);
  }
}
