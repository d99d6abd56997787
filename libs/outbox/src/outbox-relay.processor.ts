import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { JobName, type JobPayloads, QueueFactory, QueueName } from '@zs/queue';
import { OutboxRelayRepository } from './outbox-relay.repository';
import { OutboxRelayService } from './outbox-relay.service';

/** Fixed ids: however many processes upsert them, each schedule exists once in Redis. */
export const OUTBOX_SWEEP_SCHEDULER = 'outbox.relay.sweep';
export const OUTBOX_PRUNE_SCHEDULER = 'outbox.prune.daily';
/** Daily at 03:17 server time, away from the top of the hour. */
const PRUNE_CRON = '17 3 * * *';

/**
 * BullMQ side of the outbox: a worker on QueueName.Outbox running the relay, a worker on
 * QueueName.Maintenance pruning old published events, and the repeatable jobs that drive both.
 * Safe to run in several processes at once (see OutboxRelayService).
 */
@Injectable()
export class OutboxRelayProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelayProcessor.name);

  constructor(
    private readonly queues: QueueFactory,
    private readonly relay: OutboxRelayService,
    private readonly outbox: OutboxRelayRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker(QueueName.Outbox, (job) => this.process(job));
    this.queues.worker(QueueName.Maintenance, (job) => this.process(job));
    await this.queues.queue(QueueName.Outbox).upsertJobScheduler(
      OUTBOX_SWEEP_SCHEDULER,
      { every: this.config.outbox.sweepIntervalMs },
      {
        name: JobName.OutboxRelay,
        data: { reason: 'sweep' } satisfies JobPayloads[JobName.OutboxRelay],
        // The next sweep is the retry: no backoff retries, and no trail of finished sweeps in Redis.
        opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
      },
    );
    await this.queues.queue(QueueName.Maintenance).upsertJobScheduler(
      OUTBOX_PRUNE_SCHEDULER,
      { pattern: PRUNE_CRON },
      {
        name: JobName.OutboxPrune,
        data: { olderThanDays: this.config.outbox.retentionDays } satisfies JobPayloads[JobName.OutboxPrune],
      },
    );
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName;
    switch (name) {
      case JobName.OutboxRelay: {
        const result = await this.relay.relayPending();
        if (result.published > 0 || result.failed > 0) this.logger.debug({ msg: 'outbox relay', ...result });
        return result;
      }
      case JobName.OutboxPrune: {
        const { olderThanDays } = job.data as JobPayloads[JobName.OutboxPrune];
        const deleted = await this.outbox.prunePublished(olderThanDays);
        this.logger.log({ msg: 'outbox pruned', deleted, olderThanDays });
        return { deleted };
      }
      default: {
        const unknown: never = name;
        throw new UnrecoverableError(`no handler for job ${String(unknown)}`);
      }
    }
  }
}
