import { Global, Inject, Injectable, Logger, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue, Worker, type ConnectionOptions, type Processor, type WorkerOptions } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { DEFAULT_JOB_OPTIONS, type QueueName } from './queues';
import { redisUrlOf } from './redis';

/**
 * Connection options for BullMQ: BullMQ opens (and closes) its own connections from these.
 * Workers block on Redis, so requests must retry forever (`maxRetriesPerRequest: null`).
 */
export function bullmqConnection(config: AppConfig): ConnectionOptions {
  return { url: redisUrlOf(config), maxRetriesPerRequest: null, connectionName: `${config.redisPrefix}:bullmq` };
}

/**
 * Creates the platform's BullMQ queues and workers with REDIS_PREFIX as the BullMQ prefix, so every
 * key (`<prefix>:<queue>:…`) lives under it; with a hash tag such as `{zs}` all keys of a queue
 * share one Redis Cluster slot. Closes everything on shutdown, workers first so a job in progress
 * finishes before its connection goes.
 */
@Injectable()
export class QueueFactory implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueFactory.name);
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get prefix(): string {
    return this.config.redisPrefix;
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: bullmqConnection(this.config),
        prefix: this.config.redisPrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      queue.on('error', (err) => this.logger.warn(`queue ${name}: ${err.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  worker<T = unknown, R = unknown>(
    name: QueueName,
    processor: Processor<T, R>,
    options: Partial<Omit<WorkerOptions, 'connection' | 'prefix'>> = {},
  ): Worker<T, R> {
    const worker = new Worker<T, R>(name, processor, {
      concurrency: 1,
      ...options,
      connection: bullmqConnection(this.config),
      prefix: this.config.redisPrefix,
    });
    worker.on('error', (err) => this.logger.warn(`worker ${name}: ${err.message}`));
    worker.on('failed', (job, err) =>
      this.logger.warn(`job ${job?.name ?? '?'} (${job?.id ?? '?'}) on ${name} failed: ${err.message}`),
    );
    this.workers.push(worker as Worker);
    return worker;
  }

  /** Waits for the jobs in progress, then closes workers and queues. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    this.workers.length = 0;
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
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

@Global()
@Module({ providers: [QueueFactory], exports: [QueueFactory] })
export class QueueModule {}
