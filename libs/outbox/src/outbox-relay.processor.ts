import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { MetricsService, ReadinessService } from '@zs/ops';
import {
  JOB_ID,
  JobName,
  type JobPayloads,
  QueueFactory,
  QueueName,
  REDIS_CLIENT,
  outboxConsumerQueue,
  redisKey,
  wakeJobOptions,
  warnUnlessNoEviction,
} from '@zs/queue';
import { type ConsumerLag, OutboxRelayRepository } from './outbox-relay.repository';
import { OutboxRelayService } from './outbox-relay.service';

/** Fixed ids: however many processes keep them, each schedule exists once in Redis. */
export const OUTBOX_SWEEP_SCHEDULER = 'outbox.relay.sweep';
export const OUTBOX_PRUNE_SCHEDULER = 'outbox.prune.daily';
/** Daily at 03:17 server time, away from the top of the hour. */
const PRUNE_CRON = '17 3 * * *';
/** Sweeps that may be missed before readiness reports the relay as stalled. */
export const RELAY_STALL_SWEEPS = 3;
/** Scrape-time queries (lag, queue depth) give up after this. */
const GAUGE_TIMEOUT_MS = 2000;

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * BullMQ side of the outbox. Jobs are only wake-ups; PostgreSQL holds every bit of progress, so a
 * Redis that loses its data loses nothing (schedules are re-created by QueueFactory.schedule, and
 * the sweep finds whatever is pending).
 *
 * - QueueName.Outbox, job OutboxRelay (a wake-up after each commit, and the repeatable sweep every
 *   OUTBOX_SWEEP_INTERVAL): dispatch undispatched events into deliveries, then wake each consumer
 *   that got some (the sweep wakes every registered consumer, for retries that became due).
 * - `outbox-consumer.<name>`, job OutboxDeliver, one worker per consumer: deliver its due deliveries.
 * - QueueName.Maintenance, job OutboxPrune (daily): delete events every consumer is done with.
 *
 * Safe to run in several processes at once (see OutboxRelayService).
 */
@Injectable()
export class OutboxRelayProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelayProcessor.name);
  private readonly startedAt = Date.now();
  private readonly heartbeatKey: string;

  constructor(
    private readonly queues: QueueFactory,
    private readonly relay: OutboxRelayService,
    private readonly outbox: OutboxRelayRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly metrics: MetricsService,
    @Optional() private readonly readiness?: ReadinessService,
  ) {
    this.heartbeatKey = redisKey(config, 'outbox', 'relay', 'last-sweep');
  }

  async onApplicationBootstrap(): Promise<void> {
    void warnUnlessNoEviction(this.redis, this.logger);
    this.registerGauges();
    this.readiness?.register('outbox-relay', () => this.relayAlive());
    this.queues.worker(QueueName.Outbox, (job) => this.process(job));
    this.queues.worker(QueueName.Maintenance, (job) => this.process(job));
    for (const name of this.relay.consumerNames) {
      this.queues.worker(outboxConsumerQueue(name), (job) => this.process(job));
    }
    await this.queues.schedule({
      queue: QueueName.Outbox,
      id: OUTBOX_SWEEP_SCHEDULER,
      repeat: { every: this.config.outbox.sweepIntervalMs },
      job: {
        name: JobName.OutboxRelay,
        data: { reason: 'sweep' } satisfies JobPayloads[JobName.OutboxRelay],
        // The next sweep is the retry: no backoff retries, and no trail of finished sweeps in Redis.
        opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
      },
    });
    await this.queues.schedule({
      queue: QueueName.Maintenance,
      id: OUTBOX_PRUNE_SCHEDULER,
      repeat: { pattern: PRUNE_CRON },
      job: {
        name: JobName.OutboxPrune,
        data: { olderThanDays: this.config.outbox.retentionDays } satisfies JobPayloads[JobName.OutboxPrune],
      },
    });
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName;
    const started = performance.now();
    try {
      const result = await this.run(name, job);
      this.logger.debug({ msg: 'job done', job: name, id: job.id, attempt: job.attemptsMade + 1, ms: Math.round(performance.now() - started), result });
      return result;
    } catch (err) {
      this.logger.warn({
        msg: 'job failed',
        job: name,
        id: job.id,
        attempt: job.attemptsMade + 1,
        ms: Math.round(performance.now() - started),
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  }

  private async run(name: JobName, job: Job): Promise<unknown> {
    switch (name) {
      case JobName.OutboxRelay: {
        const { reason } = job.data as JobPayloads[JobName.OutboxRelay];
        const { dispatched, consumers } = await this.relay.dispatchPending();
        // A sweep wakes every registered consumer: retries that became due need a wake-up too.
        const wake = reason === 'sweep' ? await this.outbox.listConsumers() : consumers;
        await Promise.all(wake.map((c) => this.wakeConsumer(c, reason === 'sweep' ? 'sweep' : 'dispatch')));
        if (reason === 'sweep') await this.redis.set(this.heartbeatKey, String(Date.now()), 'PX', this.stallMs() * 4);
        return { dispatched, woke: wake };
      }
      case JobName.OutboxDeliver: {
        const { consumer } = job.data as JobPayloads[JobName.OutboxDeliver];
        const result = await this.relay.deliverPending(consumer);
        if (result.more) await this.wakeConsumer(consumer, 'dispatch');
        return result;
      }
      case JobName.OutboxPrune: {
        const { olderThanDays } = job.data as JobPayloads[JobName.OutboxPrune];
        const deleted = await this.outbox.prunePublished(olderThanDays);
        this.logger.log({ msg: 'outbox pruned', deleted, olderThanDays });
        return { deleted };
      }
      // Other libraries' jobs run on their own queues (libs/notifications).
      case JobName.NotificationPlan:
      case JobName.NotificationDeliver:
      case JobName.NotificationSweep:
      case JobName.NotificationDigest:
      case JobName.NotificationDigestUser:
      case JobName.NotificationReminders:
        throw new UnrecoverableError(`job ${name} does not belong on an outbox queue`);
      default: {
        const unknown: never = name;
        throw new UnrecoverableError(`no handler for job ${String(unknown)}`);
      }
    }
  }

  /** Enqueues a deduplicated delivery wake-up on the consumer's own queue. */
  async wakeConsumer(consumer: string, reason: JobPayloads[JobName.OutboxDeliver]['reason']): Promise<void> {
    await this.queues
      .queue(outboxConsumerQueue(consumer))
      .add(
        JobName.OutboxDeliver,
        { consumer, reason } satisfies JobPayloads[JobName.OutboxDeliver],
        wakeJobOptions(JOB_ID.outboxDeliver(consumer)),
      );
  }

  /** How long without a sweep before the relay counts as stalled. */
  private stallMs(): number {
    return RELAY_STALL_SWEEPS * this.config.outbox.sweepIntervalMs + 2000;
  }

  /**
   * Readiness: the sweep ran recently (any worker's, heartbeat in Redis) and no committed event has
   * waited longer than that to be dispatched. Right after start the first sweep is given time.
   */
  private async relayAlive(): Promise<void> {
    const stall = this.stallMs();
    const last = Number((await this.redis.get(this.heartbeatKey)) ?? 0);
    const since = Date.now() - Math.max(last, this.startedAt);
    if (since > stall) {
      throw new Error(`the outbox sweep has not run for ${Math.round(since / 1000)} s (every ${this.config.outbox.sweepIntervalMs / 1000} s expected)`);
    }
    const age = await this.outbox.undispatchedAgeSeconds();
    if (age * 1000 > stall) throw new Error(`a committed event has waited ${Math.round(age)} s to be relayed`);
  }

  private registerGauges(): void {
    const registry = this.metrics.registry;
    if (registry.getSingleMetric('zs_outbox_lag_seconds')) return;
    const outbox = this.outbox;
    const queues = this.queues;
    const logger = this.logger;
    // One lag query per scrape, shared by the three gauges (the registry collects them in parallel).
    let snapshot: { at: number; data: Promise<[ConsumerLag[], number] | undefined> } | undefined;
    const load = () => {
      if (!snapshot || Date.now() - snapshot.at > 500) {
        snapshot = {
          at: Date.now(),
          data: within(Promise.all([outbox.lag(), outbox.undispatchedAgeSeconds()]), GAUGE_TIMEOUT_MS).catch((err: unknown) => {
            logger.warn({ msg: 'outbox metrics unavailable', error: err instanceof Error ? err.message : String(err) });
            return undefined;
          }),
        };
      }
      return snapshot.data;
    };
    const gauge = (name: string, help: string, fill: (g: Gauge<'consumer'>, rows: ConsumerLag[], undispatched: number) => void) =>
      new Gauge({
        name,
        help,
        labelNames: ['consumer'] as const,
        registers: [registry],
        async collect() {
          const data = await load();
          this.reset();
          if (data) fill(this, data[0], data[1]);
        },
      });
    gauge(
      'zs_outbox_lag_seconds',
      'Age of the oldest event a consumer has not yet handled (dead letters excluded); consumer="(dispatch)": not yet fanned out',
      (g, rows, undispatched) => {
        g.set({ consumer: '(dispatch)' }, undispatched);
        for (const r of rows) g.set({ consumer: r.consumer }, Number(r.oldestPendingSeconds));
      },
    );
    gauge('zs_outbox_pending_deliveries', 'Outbox deliveries waiting, by consumer', (g, rows) => {
      for (const r of rows) g.set({ consumer: r.consumer }, Number(r.pending));
    });
    gauge('zs_outbox_dead_deliveries', 'Outbox deliveries parked as dead letters, by consumer (npm run cli -- outbox:dead)', (g, rows) => {
      for (const r of rows) g.set({ consumer: r.consumer }, Number(r.dead));
    });
    new Gauge({
      name: 'zs_queue_jobs',
      help: 'BullMQ jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        await Promise.all(
          queues.openQueues().map(async (name) => {
            try {
              const counts = await within(
                queues.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),
                GAUGE_TIMEOUT_MS,
              );
              for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
            } catch {
              // Redis unreachable: no series rather than a stale one (readiness reports Redis).
            }
          }),
        );
      },
    });
  }
}
