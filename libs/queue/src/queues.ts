import type { JobsOptions } from 'bullmq';

/**
 * Every BullMQ queue of the platform. These strings are stored in Redis: once released a
 * queue name never changes (add a new queue and drain the old one instead).
 */
export enum QueueName {
  /** The outbox dispatcher: fans committed events out to every consumer's deliveries. */
  Outbox = 'outbox',
  Maintenance = 'maintenance',
  /** Partner webhook deliveries (libs/webhooks): one job per delivery attempt. */
  Webhooks = 'webhooks',
  /** Search index upkeep (Meilisearch only): the repeatable reconcile. */
  Search = 'search',
  /** Notification stage 2 (inbox rows per chunk of recipients) and its sweep. */
  Notifications = 'notifications',
  /** Daily digests and reminders (repeatable), and the per-user digest jobs they fan out. */
  NotificationSchedules = 'notification-schedules',
}

/**
 * One queue per outbox consumer (`outbox-consumer.<consumer name>`), each with its own worker, so a
 * slow or failing consumer never occupies another's worker.
 */
export type OutboxConsumerQueueName = `outbox-consumer.${string}`;

export type AnyQueueName = QueueName | OutboxConsumerQueueName;

/** What a consumer name may look like: it becomes part of a queue name and a metric label. */
export const CONSUMER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function outboxConsumerQueue(consumer: string): OutboxConsumerQueueName {
  if (!CONSUMER_NAME.test(consumer)) throw new Error(`invalid outbox consumer name "${consumer}"`);
  return `outbox-consumer.${consumer}`;
}

export enum JobName {
  /** Fans committed outbox events out to the consumers and wakes them (on commit, and as the sweep). */
  OutboxRelay = 'outbox.relay',
  /** Deletes outbox rows every consumer has processed, past their retention. */
  OutboxPrune = 'outbox.prune',
  /** Delivers one consumer's due outbox deliveries (on its own queue). */
  OutboxDeliver = 'outbox.deliver',
  /** One attempt of one webhook delivery (row webhook_delivery). */
  WebhookDeliver = 'webhook.deliver',
  /** Re-enqueues webhook deliveries that are due but have no job (Redis lost it, a worker died). */
  WebhookSweep = 'webhook.sweep',
  /** Compares the Meilisearch index with the database and repairs drift (repeatable; also `search:reconcile`). */
  SearchReconcile = 'search.reconcile',
  /** Stage 1 of notifications: plans the recipients of every event waiting to be planned, in batches. */
  NotificationPlan = 'notification.plan',
  /** Stage 2 of notifications: inserts the inbox rows of planned chunks of recipients (several small chunks per job). */
  NotificationDeliver = 'notification.deliver',
  /** Re-enqueues planned chunks still pending (their job was lost with Redis, or ran out of attempts). */
  NotificationSweep = 'notification.sweep',
  /** The daily digest run: one NotificationDigestUser job per user who gets a digest. */
  NotificationDigest = 'notification.digest',
  /** One user's digest of one day (in-app, and e-mail when SMTP_URL is set). */
  NotificationDigestUser = 'notification.digest-user',
  /** Daily reminders: expected landing dates coming up, open leads without activity. */
  NotificationReminders = 'notification.reminders',
}

/** Payloads carry ids only; handlers reload the current state, so running a job twice is harmless. */
export interface JobPayloads {
  [JobName.OutboxRelay]: { reason: 'commit' | 'sweep' };
  [JobName.OutboxPrune]: { olderThanDays: number };
  [JobName.OutboxDeliver]: { consumer: string; reason: 'dispatch' | 'sweep' | 'replay' };
  [JobName.WebhookDeliver]: { deliveryId: string };
  [JobName.WebhookSweep]: Record<string, never>;
  [JobName.SearchReconcile]: { reason: 'schedule' | 'manual' };
  [JobName.NotificationPlan]: { reason: 'commit' | 'sweep' | 'more' };
  /** notification_fanout rows (the outbox event's event_id and the chunk number), delivered together. */
  [JobName.NotificationDeliver]: { chunks: { eventId: string; seq: number }[] };
  [JobName.NotificationSweep]: Record<string, never>;
  /** `day`: the digest's calendar day (YYYY-MM-DD in the digest time zone); absent: today. */
  [JobName.NotificationDigest]: { day?: string };
  [JobName.NotificationDigestUser]: { userId: string; day: string };
  [JobName.NotificationReminders]: { day?: string };
}

/** The queue of each job; a consumer's deliveries run on that consumer's own queue. */
export const JOB_QUEUE: { [J in JobName]: QueueName | ((payload: JobPayloads[J]) => AnyQueueName) } = {
  [JobName.OutboxRelay]: QueueName.Outbox,
  [JobName.OutboxPrune]: QueueName.Maintenance,
  [JobName.OutboxDeliver]: (p) => outboxConsumerQueue(p.consumer),
  [JobName.WebhookDeliver]: QueueName.Webhooks,
  [JobName.WebhookSweep]: QueueName.Webhooks,
  [JobName.SearchReconcile]: QueueName.Search,
  [JobName.NotificationPlan]: QueueName.Notifications,
  [JobName.NotificationDeliver]: QueueName.Notifications,
  [JobName.NotificationSweep]: QueueName.Notifications,
  [JobName.NotificationDigest]: QueueName.NotificationSchedules,
  [JobName.NotificationDigestUser]: QueueName.NotificationSchedules,
  [JobName.NotificationReminders]: QueueName.NotificationSchedules,
};

/**
 * Fixed deduplication ids of the wake-ups (see wakeJobOptions): a wake-up enqueued while one is
 * waiting is dropped; one enqueued while one runs queues exactly one more run after it, so a commit
 * that lands just after a run's last claim is never left to the sweep.
 */
export const JOB_ID = {
  outboxWake: 'outbox.relay.wake',
  outboxDeliver: (consumer: string) => `outbox.deliver.${consumer}`,
  /** One job per scheduled attempt: the delivery and the time it is due (its next_attempt_at). */
  webhookDeliver: (deliveryId: string, dueAt: Date) => `webhook.deliver.${deliveryId}.${dueAt.getTime()}`,
  /** The planning wake-up (deduplicated like the outbox wake-ups: see wakeJobOptions). */
  notificationPlan: 'notification.plan.wake',
  /** Named by its first chunk and size: enqueued again (sweep) while it exists, it is dropped. */
  notificationDeliver: (first: { eventId: string; seq: number }, count: number) => `notification.deliver.${first.eventId}.${first.seq}.${count}`,
  notificationDigestUser: (day: string, userId: string) => `notification.digest.${day}.${userId}`,
} as const;

/** Defaults for every job: retried with backoff, finished jobs trimmed so Redis does not grow. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 86400 },
};

/**
 * Wake-ups (relay and deliver jobs): the state is in PostgreSQL and the next sweep is the retry,
 * so no BullMQ retries and no trail of finished jobs in Redis.
 */
export function wakeJobOptions(dedupId: string): JobsOptions {
  return {
    attempts: 1,
    removeOnComplete: true,
    removeOnFail: { count: 100 },
    deduplication: { id: dedupId, keepLastIfActive: true },
  };
}

/**
 * Webhook delivery attempts: PostgreSQL holds the delivery's state and schedule (the job only says
 * "attempt it now"), so BullMQ retries cover errors of our own (database, a row not yet committed)
 * only; the HTTP retries are new jobs scheduled from next_attempt_at. Finished jobs leave no trace,
 * so the sweep can enqueue the same id again.
 */
export function webhookJobOptions(deliveryId: string, dueAt: Date): JobsOptions {
  return {
    jobId: JOB_ID.webhookDeliver(deliveryId, dueAt),
    delay: Math.max(0, dueAt.getTime() - Date.now()),
    attempts: 5,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: true,
    removeOnFail: true,
  };
}

/**
 * Narrows a BullMQ job name to the jobs one processor handles, so its switch stays exhaustive over
 * its own jobs and a job added for another queue never touches it.
 */
export function jobNameIn<const J extends readonly JobName[]>(name: string, jobs: J): name is J[number] {
  return (jobs as readonly string[]).includes(name);
}

/**
 * Stage-2 notification jobs: a job may run before the outbox delivery that planned its chunk has
 * committed (it is enqueued inside that transaction); it then retries quickly rather than after the
 * default second. The sweep re-enqueues chunks whose job was lost.
 */
export const NOTIFICATION_DELIVER_JOB_OPTIONS: JobsOptions = {
  ...DEFAULT_JOB_OPTIONS,
  attempts: 12,
  backoff: { type: 'exponential', delay: 50 },
  // Gone when finished either way, so the sweep can enqueue a chunk again under the same job id.
  removeOnComplete: true,
  removeOnFail: true,
};
