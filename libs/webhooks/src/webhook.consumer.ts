import { Injectable } from '@nestjs/common';
import { LeadRepository, type VisibleLead } from '@zs/leads';
import { OrgUnitRepository } from '@zs/org';
import type { OutboxBatchDelivery, OutboxConsumer, OutboxDelivery, OutboxEvent } from '@zs/outbox';
import type { WebhookBody } from './webhook.entity';
import { type WebhookEventType, webhookEventOf } from './webhook-event-type';
import { WebhookJobs } from './webhook-jobs';
import { changeData, clientActor, leadData, unitIdsOf } from './webhook-payload';
import { type Subscriber, WebhookRepository } from './webhook.repository';

type Subscribed = Subscriber & { events: string[] };

/**
 * Stage 1 of partner webhooks, per committed event: the webhooks subscribed to its type whose API
 * client may see the lead now (the lead visibility rule applied to that client, through
 * LeadRepository.findVisibleByIds), one delivery each. A relay batch is handled with a fixed number
 * of statements: the subscribers of all its types, one visibility query per distinct (unit, scopes)
 * of the subscribed clients, the units named, one multi-row insert. Deliveries are keyed (webhook,
 * event), so a replayed or retried event inserts nothing new; they are written through
 * `delivery.manager` and their jobs enqueued once that transaction commits. Stage 2 is
 * WebhookDeliveryService.
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

  handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
    return this.handleBatch([event], delivery);
  }

  async handleBatch(batch: readonly OutboxEvent[], delivery: OutboxBatchDelivery): Promise<void> {
    const events = batch.flatMap((event) => {
      const type = webhookEventOf(event.type);
      return type && event.leadId ? [{ event, type, leadId: event.leadId }] : [];
    });
    if (events.length === 0) return;
    const tx = delivery.manager;
    const subscribers = await this.webhooks.subscribers([...new Set(events.map((e) => e.type))], tx);
    if (subscribers.length === 0) return;

    // An API client sees by its unit and scopes only: one visibility query per distinct pair.
    const groups = new Map<string, Subscribed[]>();
    for (const s of subscribers) {
      const key = `${s.unitId} ${[...s.scopes].sort().join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    const wants = (group: Subscribed[], type: WebhookEventType) => group.some((s) => s.events.includes(type));
    const seen = new Map<Subscribed[], Map<string, VisibleLead>>();
    for (const group of groups.values()) {
      const leadIds = [...new Set(events.filter((e) => wants(group, e.type)).map((e) => e.leadId))];
      const visible = await this.leads.findVisibleByIds(clientActor(group[0]), leadIds, tx);
      seen.set(group, new Map(visible.map((l) => [l.id, l])));
    }
    const unitIds = new Set<string>();
    for (const { event, leadId } of events) {
      for (const visible of seen.values()) {
        const lead = visible.get(leadId);
        if (lead) for (const id of unitIdsOf(lead, event.payload)) unitIds.add(id);
      }
    }
    const units = new Map((await this.units.findByIds([...unitIds], tx)).map((u) => [u.id, u]));

    const rows: Parameters<WebhookRepository['insertDeliveries']>[1] = [];
    for (const { event, type, leadId } of events) {
      for (const group of groups.values()) {
        const lead = seen.get(group)!.get(leadId);
        if (!lead) continue;
        const change = changeData(type, event.payload, units);
        const payload: WebhookBody = {
          id: event.eventId,
          type,
          occurredAt: new Date(event.occurredAt).toISOString(),
          data: { lead: leadData(lead, units), ...(change ? { change } : {}) },
        };
        for (const s of group) {
          if (s.events.includes(type)) rows.push({ webhookId: s.webhookId, eventId: event.eventId, eventType: type, leadId, payload });
        }
      }
    }
    const dueAt = new Date();
    const inserted = await this.webhooks.insertDeliveries(tx, rows, dueAt);
    this.jobs.afterCommit(
      tx,
      inserted.map((d) => ({ id: d.id, dueAt })),
    );
  }
}
