import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsService } from '@zs/ops';

/** The channel label of every webhook series (the inbox, live push and e-mail use their own). */
export const WEBHOOK_CHANNEL = 'webhook';

@Injectable()
export class WebhookMetrics {
  readonly delivered: Counter<'channel'>;
  readonly failed: Counter<'channel'>;
  readonly dead: Counter<'channel'>;

  constructor(metrics: MetricsService) {
    this.delivered = metrics.counter('zs_webhook_deliveries_total', 'Webhook deliveries accepted by the receiver (2xx), by channel', ['channel']);
    this.failed = metrics.counter(
      'zs_webhook_delivery_failures_total',
      'Failed webhook attempts (error, timeout, non-2xx, refused target), by channel',
      ['channel'],
    );
    this.dead = metrics.counter('zs_webhook_dead_deliveries_total', 'Webhook deliveries given up (DEAD), by channel', ['channel']);
  }
}
