import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { LeadRepository } from '@zs/leads';
import { WebhookDeliveryStatus } from './webhook.entity';
import { WebhookJobs } from './webhook-jobs';
import { WEBHOOK_CHANNEL, WebhookMetrics } from './webhook-metrics';
import { clientActor } from './webhook-payload';
import { type ClaimedDelivery, WebhookRepository } from './webhook.repository';
import { sendWebhook } from './webhook-sender';
import { webhookSignature } from './webhook-signature';
import { TargetRefusedError, resolveTarget } from './webhook-target';

export type AttemptOutcome = 'delivered' | 'failed' | 'dead' | 'skipped';

/** Past the attempt's timeout, how long a claim holds before the sweep may try again (a dead worker). */
const LEASE_MARGIN_MS = 30_000;

/**
 * Backoff before retry n (n ≥ 1, after the n-th failed attempt): base × 2^(n-1), at most `max`,
 * with ±20% jitter so many failing deliveries do not retry in lockstep.
 */
export function retryDelayMs(n: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 40));
  return Math.round(plain * (0.8 + 0.4 * random()));
}

/**
 * Stage 2 of partner webhooks: one attempt of one delivery. Claims it (so one attempt runs at a
 * time), checks the webhook and client are still active and the lead still visible to that client,
 * checks the target against the SSRF rule with a fresh DNS look-up, POSTs the signed body, and
 * records the outcome; a failure schedules the next attempt (a new job) until the attempts run
 * out (DEAD). At least once: a receiver deduplicates on the body's `id`.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly leads: LeadRepository,
    private readonly jobs: WebhookJobs,
    private readonly metrics: WebhookMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async attempt(deliveryId: string): Promise<AttemptOutcome> {
    const cfg = this.config.webhooks;
    const lease = new Date(Date.now() + cfg.timeoutMs + LEASE_MARGIN_MS);
    const d = await this.webhooks.claim(deliveryId, lease);
    if (!d) return 'skipped';

    if (!d.deliverable) return this.giveUp(d, lease, 'the webhook or its API client is no longer active');
    if (d.leadId && !(await this.leads.findVisible(clientActor(d), d.leadId))) {
      // Told nothing about a lead it may no longer see; no request is made.
      return this.giveUp(d, lease, 'the lead is no longer visible to this API client');
    }

    let target;
    try {
      target = await resolveTarget(d.url, cfg.allowedHosts);
    } catch (err) {
      if (!(err instanceof TargetRefusedError)) throw err;
      return this.failed(d, lease, null, `target refused: ${err.message}`);
    }
    const body = JSON.stringify(d.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const result = await sendWebhook(
      target,
      {
        'content-type': 'application/json',
        'user-agent': 'zs-webhooks/1',
        'x-zs-webhook-id': d.webhookId,
        'x-zs-delivery-id': d.id,
        'x-zs-event-id': d.eventId,
        'x-zs-event-type': d.eventType,
        'x-zs-timestamp': timestamp,
        'x-zs-signature': webhookSignature(d.secret, timestamp, body),
      },
      body,
      cfg,
    );
    if (result.error !== null) return this.failed(d, lease, result.statusCode, result.error);
    const recorded = await this.webhooks.finish(d.id, lease, {
      status: WebhookDeliveryStatus.DELIVERED,
      attempted: true,
      nextAttemptAt: new Date(),
      statusCode: result.statusCode,
      error: null,
    });
    if (recorded) this.metrics.delivered.inc({ channel: WEBHOOK_CHANNEL });
    return 'delivered';
  }

  private async failed(d: ClaimedDelivery, lease: Date, statusCode: number | null, error: string): Promise<AttemptOutcome> {
    const cfg = this.config.webhooks;
    const attempts = d.attempts + 1;
    this.metrics.failed.inc({ channel: WEBHOOK_CHANNEL });
    const dead = attempts >= cfg.maxAttempts;
    const next = new Date(Date.now() + (dead ? 0 : retryDelayMs(attempts, cfg.retryBaseMs, cfg.retryMaxMs)));
    const recorded = await this.webhooks.finish(d.id, lease, {
      status: dead ? WebhookDeliveryStatus.DEAD : WebhookDeliveryStatus.FAILED,
      attempted: true,
      nextAttemptAt: next,
      statusCode,
      error: error.slice(0, 1000),
    });
    const context = { deliveryId: d.id, webhookId: d.webhookId, eventId: d.eventId, attempts, error: error.slice(0, 300) };
    if (!recorded) return 'skipped';
    if (dead) {
      this.metrics.dead.inc({ channel: WEBHOOK_CHANNEL });
      this.logger.warn({ msg: 'webhook delivery dead after its last attempt', ...context });
      return 'dead';
    }
    this.logger.log({ msg: 'webhook attempt failed; retrying', ...context, nextAttemptAt: next });
    await this.jobs.enqueue([{ id: d.id, dueAt: next }]);
    return 'failed';
  }

  private async giveUp(d: ClaimedDelivery, lease: Date, reason: string): Promise<AttemptOutcome> {
    const recorded = await this.webhooks.finish(d.id, lease, {
      status: WebhookDeliveryStatus.DEAD,
      attempted: false,
      nextAttemptAt: new Date(),
      statusCode: null,
      error: reason,
    });
    if (recorded) this.metrics.dead.inc({ channel: WEBHOOK_CHANNEL });
    return recorded ? 'dead' : 'skipped';
  }

  /** The sweep: enqueues due deliveries (their jobs were lost, or a worker died mid-attempt). */
  async enqueueDue(limit = 1000): Promise<number> {
    const due = await this.webhooks.due(limit);
    if (due.length > 0) await this.jobs.enqueue(due.map((d) => ({ id: d.id, dueAt: new Date(d.nextAttemptAt) })));
    return due.length;
  }
}
