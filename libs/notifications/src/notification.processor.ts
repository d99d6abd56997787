import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { Role, pathIds } from '@zs/common';
import { leadAudienceTokens } from '@zs/leads';
import { MetricsService } from '@zs/ops';
import {
  JOB_ID,
  JobName,
  type JobPayloads,
  NOTIFICATION_DELIVER_JOB_OPTIONS,
  QueueFactory,
  QueueName,
  jobNameIn,
  wakeJobOptions,
} from '@zs/queue';

/** The jobs of the two notification queues. */
const NOTIFICATION_JOBS = [
  JobName.NotificationPlan,
  JobName.NotificationDeliver,
  JobName.NotificationSweep,
  JobName.NotificationDigest,
  JobName.NotificationDigestUser,
  JobName.NotificationReminders,
] as const;
import { addDays, dayIn, stableEventId, startOfDay } from './calendar';
import { NotificationChannel, NotificationKind } from './notification.entity';
import { NotificationHub, type HubMessage } from './notification-hub';
import { NotificationMailer } from './notification-mailer';
import { FANOUT_CHUNK_SIZE, NotificationPlanner, actorOfRecipient, maySee } from './notification-planner';
import { NotificationRepository } from './notification.repository';
import { texts } from './notification-text';

export const NOTIFICATION_SWEEP_SCHEDULER = 'notification.sweep';
export const NOTIFICATION_DIGEST_SCHEDULER = 'notification.digest.daily';
export const NOTIFICATION_REMINDER_SCHEDULER = 'notification.reminders.daily';
/** A planned chunk still pending this long after planning gets its job enqueued again. */
const SWEEP_AFTER_SECONDS = 5;
const SWEEP_EVERY_MS = 5000;
/** Events planned per transaction by the stage-1 planner. */
const PLAN_BATCH = 200;

/** Stage-2 jobs carry several small chunks: most events have a handful of recipients, a job per chunk would be mostly overhead. */
const JOB_MAX_CHUNKS = 25;
const JOB_MAX_USERS = 500;

/** Groups chunks (in order) into stage-2 jobs of at most JOB_MAX_CHUNKS chunks and about JOB_MAX_USERS users. */
export function deliverJobs(chunks: { eventId: string; seq: number; users?: number }[]) {
  const groups: { eventId: string; seq: number }[][] = [];
  let users = 0;
  for (const c of chunks) {
    const last = groups.at(-1);
    const n = c.users ?? FANOUT_CHUNK_SIZE;
    if (!last || last.length >= JOB_MAX_CHUNKS || users + n > JOB_MAX_USERS) {
      groups.push([{ eventId: c.eventId, seq: c.seq }]);
      users = n;
    } else {
      last.push({ eventId: c.eventId, seq: c.seq });
      users += n;
    }
  }
  return groups.map((g) => ({
    name: JobName.NotificationDeliver,
    data: { chunks: g },
    opts: { ...NOTIFICATION_DELIVER_JOB_OPTIONS, jobId: JOB_ID.notificationDeliver(g[0], g.length) },
  }));
}

/** Instant (in-app, live) notifications by default for everyone but VIEWERs, who get digests only. */
export function instantOn(u: { role: string; instant: boolean | null }): boolean {
  return u.instant ?? u.role !== Role.VIEWER;
}

/**
 * Notification jobs: stage 2 (a planned chunk → inbox rows, then the live push), the sweep that
 * re-enqueues chunks whose job was lost, the daily digest and the daily reminders. Every handler
 * reloads its state and writes with ON CONFLICT DO NOTHING on (event, user, channel), so a job run
 * twice, or a chunk delivered by two workers, makes one notification per person.
 */
@Injectable()
export class NotificationProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationProcessor.name);
  private readonly delivered: Counter<'channel'>;
  private readonly failures: Counter<'channel'>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: NotificationRepository,
    private readonly planner: NotificationPlanner,
    private readonly queues: QueueFactory,
    private readonly hub: NotificationHub,
    private readonly mailer: NotificationMailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.delivered = metrics.counter('zs_notifications_delivered_total', 'Notifications delivered, by channel', ['channel']);
    this.failures = metrics.counter('zs_notification_failures_total', 'Failed notification jobs, by channel', ['channel']);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker(QueueName.Notifications, (job) => this.run(job), { concurrency: 4 });
    this.queues.worker(QueueName.NotificationSchedules, (job) => this.run(job), { concurrency: 2 });
    const tz = this.config.notifications.digestTimeZone;
    await Promise.all([
      this.queues.schedule({
        queue: QueueName.Notifications,
        id: NOTIFICATION_SWEEP_SCHEDULER,
        repeat: { every: SWEEP_EVERY_MS },
        job: { name: JobName.NotificationSweep, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 10 } } },
      }),
      this.queues.schedule({
        queue: QueueName.NotificationSchedules,
        id: NOTIFICATION_DIGEST_SCHEDULER,
        repeat: { pattern: this.config.notifications.digestCron, tz },
        job: { name: JobName.NotificationDigest, data: {} },
      }),
      this.queues.schedule({
        queue: QueueName.NotificationSchedules,
        id: NOTIFICATION_REMINDER_SCHEDULER,
        repeat: { pattern: this.config.notifications.reminderCron, tz },
        job: { name: JobName.NotificationReminders, data: {} },
      }),
    ]).catch((err: unknown) => {
      // Redis away at start: QueueFactory re-creates kept schedules once it answers.
      this.logger.warn({ msg: 'notification schedules not created yet', error: err instanceof Error ? err.message : String(err) });
    });
  }

  /** Each job logs name, id, attempt, duration and outcome. */
  private async run(job: Job): Promise<unknown> {
    const started = Date.now();
    const channel = job.name === JobName.NotificationDigestUser ? 'digest' : 'in_app';
    try {
      const result = await this.dispatch(job);
      this.logger.log({ msg: 'job done', job: job.name, id: job.id, attempt: job.attemptsMade + 1, ms: Date.now() - started, outcome: 'ok', result });
      return result;
    } catch (err) {
      this.failures.inc({ channel });
      this.logger.warn({
        msg: 'job failed',
        job: job.name,
        id: job.id,
        attempt: job.attemptsMade + 1,
        ms: Date.now() - started,
        outcome: 'failed',
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  }

  private dispatch(job: Job): Promise<unknown> {
    const name = job.name;
    if (!jobNameIn(name, NOTIFICATION_JOBS)) throw new Error(`job ${name} does not belong on a notification queue`);
    switch (name) {
      case JobName.NotificationPlan:
        return this.plan();
      case JobName.NotificationDeliver:
        return this.deliver(job.data as JobPayloads[JobName.NotificationDeliver]);
      case JobName.NotificationSweep:
        return this.sweep();
      case JobName.NotificationDigest:
        return this.digestAll((job.data as JobPayloads[JobName.NotificationDigest]).day);
      case JobName.NotificationDigestUser:
        return this.digestUser(job.data as JobPayloads[JobName.NotificationDigestUser]);
      case JobName.NotificationReminders:
        return this.reminders((job.data as JobPayloads[JobName.NotificationReminders]).day);
      default: {
        const unreachable: never = name;
        throw new Error(`unknown job ${String(unreachable)}`);
      }
    }
  }

  /**
   * Stage 1: plans every event waiting to be planned, PLAN_BATCH at a time (one transaction each:
   * claim the requests, plan them with a fixed number of statements, store the chunks, close the
   * requests), and enqueues the chunks' stage-2 jobs after each commit.
   */
  async plan(): Promise<{ planned: number; chunks: number }> {
    let planned = 0;
    let chunks = 0;
    for (let round = 0; round < 50; round++) {
      const batch = await this.db.transaction(async (tx) => {
        const requests = await this.repo.claimPlanRequests(tx, PLAN_BATCH);
        const events = requests.flatMap((r) => (r.event ? [r.event] : []));
        const plans = await this.planner.planBatch(events, tx);
        const all = [...plans.values()].flat();
        await this.repo.storePlans(tx, requests.map((r) => r.eventId), all);
        return { requests: requests.length, chunks: all.map((c) => ({ eventId: c.eventId, seq: c.seq, users: c.userIds.length })) };
      });
      planned += batch.requests;
      chunks += batch.chunks.length;
      await this.enqueueDeliveries(batch.chunks);
      if (batch.requests < PLAN_BATCH) break;
    }
    return { planned, chunks };
  }

  private async enqueueDeliveries(chunks: { eventId: string; seq: number; users?: number }[]): Promise<void> {
    if (chunks.length === 0) return;
    try {
      await this.queues.queue(QueueName.Notifications).addBulk(deliverJobs(chunks));
    } catch (err) {
      // The chunks are committed: the sweep enqueues them.
      this.logger.warn({ msg: 'stage-2 jobs not enqueued; the sweep will', chunks: chunks.length, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * Stage 2: one planned chunk → inbox rows. Visibility, preferences and the user's state are checked
   * again now: whoever may no longer see the lead, muted the kind, or left is skipped.
   */
  async deliver({ chunks: keys }: { chunks: { eventId: string; seq: number }[] }): Promise<{ inserted: number }> {
    const found = await this.repo.chunksForDelivery(keys);
    const deliveries = found
      .filter(({ chunk }) => !chunk.done)
      .map(({ chunk, lead, users }) => {
        if (chunk.leadId && !lead) return { chunk, userIds: [] }; // the lead is gone: close the chunk
        const tokens = lead ? leadAudienceTokens(lead) : null;
        const keep = users.filter((u) => (!lead || maySee(lead, u, tokens!)) && !u.mutedKinds.includes(chunk.kind) && instantOn(u));
        return { chunk, userIds: keep.map((u) => u.id) };
      });
    const inserted = await this.repo.deliverChunks(deliveries);
    this.delivered.inc({ channel: 'in_app' }, inserted.length);
    await this.publishAdded(inserted);
    // Enqueued after the planning transaction committed; a chunk that is not there yet is retried shortly.
    if (found.length < keys.length) throw new Error(`${keys.length - found.length} notification chunk(s) not committed (yet)`);
    return { inserted: inserted.length };
  }

  private publishAdded(rows: { id: string; userId: string }[]): Promise<void> {
    const messages: HubMessage[] = [];
    for (const r of rows) messages.push({ type: 'added', userId: r.userId, notificationId: r.id }, { type: 'count', userId: r.userId });
    return this.hub.publish(messages);
  }

  /** Re-enqueues chunks whose job was lost (Redis restarted empty, enqueue failed, attempts ran out). */
  async sweep(): Promise<{ requeued: number; plans: number; pruned: number }> {
    const plans = await this.repo.stalePlanRequests(SWEEP_AFTER_SECONDS);
    if (plans) {
      await this.queues.queue(QueueName.Notifications).add(JobName.NotificationPlan, { reason: 'sweep' }, wakeJobOptions(JOB_ID.notificationPlan));
    }
    const pending = await this.repo.pendingFanouts(SWEEP_AFTER_SECONDS, 1000);
    if (pending.length) await this.queues.queue(QueueName.Notifications).addBulk(deliverJobs(pending));
    const pruned = await this.repo.pruneFanouts(this.config.outbox.retentionDays + 1);
    return { requeued: pending.length, plans, pruned };
  }

  private today(): string {
    return dayIn(new Date(), this.config.notifications.digestTimeZone);
  }

  /** The daily digest run: one job per user who gets a digest (fixed job ids: a rerun adds none). */
  async digestAll(day = this.today()): Promise<{ users: number }> {
    const users = await this.repo.digestUserIds();
    const queue = this.queues.queue(QueueName.NotificationSchedules);
    for (let i = 0; i < users.length; i += 500) {
      await queue.addBulk(
        users.slice(i, i + 500).map((userId) => ({
          name: JobName.NotificationDigestUser,
          data: { userId, day },
          opts: { jobId: JOB_ID.notificationDigestUser(day, userId) },
        })),
      );
    }
    return { users: users.length };
  }

  /**
   * One user's digest of `day`: what happened on the previous calendar day (digest time zone) — new
   * visible leads in their industries (their own list, else their unit's leading industries), stage
   * changes in their subtree, referrals waiting for their unit. In-app always, by e-mail when SMTP_URL
   * and the user's address are set. Nothing to say: no digest.
   */
  async digestUser({ userId, day }: { userId: string; day: string }): Promise<{ sent: boolean; emailed: boolean }> {
    const tz = this.config.notifications.digestTimeZone;
    const to = startOfDay(day, tz);
    const from = startOfDay(addDays(day, -1), tz);
    const user = await this.repo.recipient(this.db, userId);
    if (!user) return { sent: false, emailed: false };
    const actor = actorOfRecipient(user);
    const industries = user.industryCodes.length ? user.industryCodes : user.unitIndustries;
    const [newLeads, stageChanges, referrals] = await Promise.all([
      this.repo.newVisibleLeads(this.db, actor, industries, from, to),
      this.repo.stageChangesInSubtree(this.db, actor, from, to),
      this.repo.pendingReferralsTo(this.db, user.unitId),
    ]);
    if (newLeads.length + stageChanges.length + referrals.length === 0) return { sent: false, emailed: false };
    const text = texts.digest(day, newLeads, stageChanges, referrals);
    const eventId = stableEventId('digest', userId, day);
    const n = { eventId, kind: NotificationKind.DIGEST, leadId: null, actorKind: 'system', actorId: null, actorUnitId: null, ...text };
    const inserted = await this.repo.insertNotifications(this.db, n, [userId]);
    this.delivered.inc({ channel: 'digest' }, inserted.length);
    await this.publishAdded(inserted);
    let emailed = false;
    if (this.mailer.enabled && user.email) {
      // The EMAIL row and the send commit together: a failed send rolls the row back and the job retries.
      emailed = await this.db.transaction(async (tx) => {
        const rows = await this.repo.insertNotifications(tx, { ...n, channel: NotificationChannel.EMAIL }, [userId]);
        if (rows.length === 0) return false;
        await this.mailer.send(user.email!, text.title, text.body);
        return true;
      });
      if (emailed) this.delivered.inc({ channel: 'email' });
    }
    return { sent: inserted.length > 0, emailed };
  }

  /**
   * Daily reminders. Expected landing within REMINDER_LANDING_DAYS → the owner chain, once per lead and
   * expected date; an open lead without change or activity for REMINDER_STALE_DAYS → the owner unit,
   * once per quiet spell. Both are about the recipients' own leads (visible by the owner-chain rule).
   */
  async reminders(day = this.today()): Promise<{ landing: number; stale: number }> {
    const s = this.config.notifications;
    let landing = 0;
    let stale = 0;
    for (const l of await this.repo.landingSoon(day, s.reminderLandingDays)) {
      const users = await this.repo.candidates(this.db, { unitIds: pathIds(l.ownerPath) });
      landing += await this.remind(stableEventId('landing', l.id, l.date), NotificationKind.REMINDER_LANDING, l.id, texts.landingSoon(l, l.date), users.map((u) => u.id));
    }
    for (const l of await this.repo.staleLeads(s.reminderStaleDays)) {
      const users = await this.repo.candidates(this.db, { unitIds: [l.ownerUnitId] });
      stale += await this.remind(stableEventId('stale', l.id, l.lastAt), NotificationKind.REMINDER_STALE, l.id, texts.stale(l, s.reminderStaleDays), users.map((u) => u.id));
    }
    return { landing, stale };
  }

  private async remind(eventId: string, kind: NotificationKind, leadId: string, text: { title: string; body: string }, userIds: string[]): Promise<number> {
    const lead = await this.repo.leadFacts(this.db, leadId);
    if (!lead) return 0;
    const tokens = leadAudienceTokens(lead);
    const users = (await this.repo.recipientsNow(this.db, userIds)).filter(
      (u) => maySee(lead, u, tokens) && !u.mutedKinds.includes(kind) && instantOn(u),
    );
    const rows = await this.repo.insertNotifications(
      this.db,
      { eventId, kind, leadId, actorKind: 'system', actorId: null, actorUnitId: null, ...text },
      users.map((u) => u.id),
    );
    this.delivered.inc({ channel: 'in_app' }, rows.length);
    await this.publishAdded(rows);
    return rows.length;
  }
}
