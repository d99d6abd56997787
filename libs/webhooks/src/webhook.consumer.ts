import { Injectable } from '@nestjs/common';
import { LeadRepository } from '@zs/leads';
import { OrgUnitRepository, type OrgUnitEntity } from '@zs/org';
import type { OutboxConsumer, OutboxDelivery, OutboxEvent } from '@zs/outbox';
import type { WebhookBody } from './webhook.entity';
import { webhookEventOf } from './webhook-event-type';
import { WebhookJobs } from './webhook-jobs';
import { changeData, clientActor, leadData, unitIdsOf } from './webhook-payload';
import { type Subscriber, WebhookRepository } from './webhook.repository';

/**
 * Stage 1 of partner webhooks, per committed event: the webhooks subscribed to its type whose API
 * client may see the lead now (the lead visibility rule applied to that client, through
 * LeadRepository.findVisible), one delivery each. Deliveries are keyed (webhook, event), so a
 * replayed or retried event inserts nothing new; they are written through `delivery.manager` and
 * their jobs enqueued once that transaction commits. Stage 2 is WebhookDeliveryService.
 */
@Injectable()
export class WebhookConsumer implements OutboxConsumer {
  readonly name = 'webhooks';

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly leads: LeadRepository,
    private readonly units: OrgUnitRepository,
    private readonly jobs: WebhookJobs,
  ) {}

  async handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
    const type = webhookEventOf(event.type);
    if (!type || !event.leadId) return;
    const tx = delivery.manager;
    const subscribers = await this.webhooks.subscribers(type, tx);
    if (subscribers.length === 0) return;

    // An API client sees by its unit and scopes only: one visibility check per distinct pair.
    const groups = new Map<string, Subscriber[]>();
    for (const s of subscribers) {
      const key = `${s.unitId} ${[...s.scopes].sort().join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    const rows: Parameters<WebhookRepository['insertDeliveries']>[1] = [];
    let units: Map<string, OrgUnitEntity> | undefined;
    for (const group of groups.values()) {
      const lead = await this.leads.findVisible(clientActor(group[0]), event.leadId, tx);
      if (!lead) continue;
      units ??= new Map((await this.units.findByIds(unitIdsOf(lead, event.payload), tx)).map((u) => [u.id, u]));
      const change = changeData(type, event.payload, units);
      const payload: WebhookBody = {
        id: event.eventId,
        type,
        occurredAt: new Date(event.occurredAt).toISOString(),
        data: { lead: leadData(lead, units), ...(change ? { change } : {}) },
      };
      for (const s of group) rows.push({ webhookId: s.webhookId, eventId: event.eventId, eventType: type, leadId: event.leadId, payload });
    }
    const dueAt = new Date();
    const inserted = await this.webhooks.insertDeliveries(tx, rows, dueAt);
    this.jobs.afterCommit(
      tx,
      inserted.map((d) => ({ id: d.id, dueAt })),
    );
  }
}
