import type { JobsOptions } from 'bullmq';

/**
 * Every BullMQ queue of the platform. These strings are stored in Redis: once released a
 * queue name never changes (add a new queue and drain the old one instead).
 */
export enum QueueName {
  Outbox = 'outbox',
  Maintenance = 'maintenance',
}

export enum JobName {
  /** Relays committed outbox events to their consumers (search indexing, notifications). */
  OutboxRelay = 'outbox.relay',
  /** Deletes processed outbox rows past their retention. */
  OutboxPrune = 'outbox.prune',
}

/** Payloads carry ids only; handlers reload the current state, so running a job twice is harmless. */
export interface JobPayloads {
  [JobName.OutboxRelay]: { reason: 'commit' | 'sweep' };
  [JobName.OutboxPrune]: { olderThanDays: number };
}

export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  [JobName.OutboxRelay]: QueueName.Outbox,
  [JobName.OutboxPrune]: QueueName.Maintenance,
};

/** Defaults for every job: retried with backoff, finished jobs trimmed so Redis does not grow. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 86400 },
};
