import { Global, Inject, Injectable, Logger, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  Queue,
  Worker,
  type ConnectionOptions,
  type JobsOptions,
  type Processor,
  type RepeatOptions,
  type WorkerOptions,
} from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { DEFAULT_JOB_OPTIONS, type AnyQueueName } from './queues';
import { redisUrlOf } from './redis';

/**
 * Connection options for BullMQ: BullMQ opens (and closes) its own connections from these.
 * Workers block on Redis, so requests must retry forever (`maxRetriesPerRequest: null`).
 */
export function bullmqConnection(config: AppConfig): ConnectionOptions {
  return { url: redisUrlOf(config), maxRetriesPerRequest: null, connectionName: `${config.redisPrefix}:bullmq` };
}

/** A repeatable job this process keeps in Redis (see QueueFactory.schedule). */
export interface Schedule {
  queue: AnyQueueName;
  /** Fixed scheduler id: however many processes keep it, the schedule exists once. */
  id: string;
  repeat: Omit<RepeatOptions, 'key'>;
  job: { name: string; data: unknown; opts?: Omit<JobsOptions, 'jobId' | 'repeat' | 'delay'> };
}

/** How often kept schedules are checked for presence in Redis (besides every reconnect). */
export const SCHEDULE_CHECK_MS = 5000;

/**
 * Creates the platform's BullMQ queues and workers with REDIS_PREFIX as the BullMQ prefix, so every
 * key (`<prefix>:<queue>:…`) lives under it; with a hash tag such as `{zs}` all keys of a queue
 * share one Redis Cluster slot. Closes everything on shutdown, workers first so a job in progress
 * finishes before its connection goes.
 */
@Injectable()
export class QueueFactory implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueFactory.name);
  private readonly queues = new Map<AnyQueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly schedules = new Map<string, Schedule>();
  private scheduleTimer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private closed = false;
  /** Last warning per queue/worker, so a Redis outage logs once a minute, not on every retry. */
  private readonly lastWarned = new Map<string, number>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get prefix(): string {
    return this.config.redisPrefix;
  }

  queue(name: AnyQueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: bullmqConnection(this.config),
        prefix: this.config.redisPrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      queue.on('error', (err) => this.warnThrottled(`queue ${name}`, err.message));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Queues opened by this process so far (for metrics). */
  openQueues(): AnyQueueName[] {
    return [...this.queues.keys()];
  }

  /**
   * Creates a repeatable job and keeps it: schedules live in Redis only, so a Redis that comes back
   * empty (restart without persistence, failover to an empty replica, a flush) would otherwise
   * stop them for good. Every kept schedule is checked after each reconnect of its queue and every
   * SCHEDULE_CHECK_MS, and re-created when missing. Upserting by fixed id keeps it single however
   * many processes keep the same schedule.
   */
  async schedule(schedule: Schedule): Promise<void> {
    this.schedules.set(`${schedule.queue}\u0000${schedule.id}`, schedule);
    const queue = this.queue(schedule.queue);
    if (!this.scheduleTimer) {
      this.scheduleTimer = setInterval(() => void this.checkSchedules(), SCHEDULE_CHECK_MS);
      this.scheduleTimer.unref();
    }
    this.watchReconnects(schedule.queue, queue);
    await this.upsert(schedule);
  }

  /** Re-creates every kept schedule that is missing from Redis; returns the ids re-created. */
  async checkSchedules(): Promise<string[]> {
    const recreated: string[] = [];
    // One check at a time: a reconnect and the timer can fire together.
    const run = (this.checking ?? Promise.resolve()).then(async () => {
      for (const s of this.schedules.values()) {
        if (this.closed) return;
        try {
          if (await this.queue(s.queue).getJobScheduler(s.id)) continue;
          await this.upsert(s);
          recreated.push(s.id);
          this.logger.warn({ msg: 'repeatable job was missing from Redis; re-created', queue: s.queue, scheduler: s.id });
        } catch (err) {
          this.warnThrottled(`schedule ${s.id}`, err instanceof Error ? err.message : String(err));
        }
      }
    });
    this.checking = run.catch(() => undefined);
    await run;
    return recreated;
  }

  private async upsert(s: Schedule): Promise<void> {
    await this.queue(s.queue).upsertJobScheduler(s.id, s.repeat, { name: s.job.name, data: s.job.data, opts: s.job.opts });
  }

  private readonly watched = new Set<AnyQueueName>();

  private watchReconnects(name: AnyQueueName, queue: Queue): void {
    if (this.watched.has(name)) return;
    this.watched.add(name);
    void queue.getBackend().client.then(
      (client) => {
        let first = true;
        client.on('ready', () => {
          // The first 'ready' is the initial connection; every later one is a reconnect.
          if (first) {
            first = false;
            return;
          }
          void this.checkSchedules();
        });
        if (client.status === 'ready') first = false;
      },
      () => undefined,
    );
  }

  private warnThrottled(what: string, message: string): void {
    const now = Date.now();
    if (now - (this.lastWarned.get(what) ?? 0) < 60_000) return;
    this.lastWarned.set(what, now);
    this.logger.warn(`${what}: ${message}`);
  }

  worker<T = unknown, R = unknown>(
    name: AnyQueueName,
    processor: Processor<T, R>,
    options: Partial<Omit<WorkerOptions, 'connection' | 'prefix'>> = {},
  ): Worker<T, R> {
    const worker = new Worker<T, R>(name, processor, {
      concurrency: 1,
      ...options,
      connection: bullmqConnection(this.config),
      prefix: this.config.redisPrefix,
    });
    worker.on('error', (err) => this.warnThrottled(`worker ${name}`, err.message));
    worker.on('failed', (job, err) =>
      this.logger.warn(`job ${job?.name ?? '?'} (${job?.id ?? '?'}) on ${name} failed: ${err.message}`),
    );
    this.workers.push(worker as Worker);
    return worker;
  }

  /**
   * Waits for the jobs in progress, then closes workers and queues. Bounded: with Redis gone BullMQ's
   * graceful close never returns, so after the grace period workers are closed by force (a job cut
   * short is retried; its effects are keyed to be safe twice) and connections are dropped.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.closed = true;
    clearInterval(this.scheduleTimer);
    this.scheduleTimer = undefined;
    const graceful = (async () => {
      await this.checking;
      await Promise.allSettled(this.workers.map((w) => w.close()));
      await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    })();
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      graceful.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.logger.warn(`queues did not close within ${graceMs} ms (is Redis reachable?): closing by force`);
      await Promise.allSettled(this.workers.map((w) => within(w.close(true), 1000)));
      for (const q of this.queues.values()) void q.disconnect().catch(() => undefined);
    }
    this.workers.length = 0;
    this.queues.clear();
  }

  /**
   * Before the shutdown hooks: the database and Redis clients close in onApplicationShutdown, and a
   * job still running must be able to commit first.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** How long close() waits for jobs in progress before it closes by force. */
const CLOSE_GRACE_MS = 10_000;

function within(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

@Global()
@Module({ providers: [QueueFactory], exports: [QueueFactory] })
export class QueueModule {}
