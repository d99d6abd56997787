import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { DomainEvent } from './domain-event';
import type { OutboxEventEntity } from './outbox-event.entity';
import { markOutboxAppended } from './outbox-wake.subscriber';

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Must run inside the transaction of the change it describes. */
  async append(tx: EntityManager, event: DomainEvent): Promise<void> {
    await tx.query(
      `INSERT INTO outbox_event (type, lead_id, actor_kind, actor_id, payload) VALUES ($1, $2, $3, $4, $5)`,
      [event.type, event.leadId, event.actorKind, event.actorId, JSON.stringify(event.payload)],
    );
    // Wakes the relay once this transaction commits (OutboxWakeSubscriber).
    markOutboxAppended(tx.queryRunner);
  }

  /** Several events in one statement, in array order (ids increase in it); same rules as append. */
  async appendMany(tx: EntityManager, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.query(
      `INSERT INTO outbox_event (type, lead_id, actor_kind, actor_id, payload)
       SELECT x.type, x.lead_id, x.actor_kind, x.actor_id, x.payload
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (type text, lead_id uuid, actor_kind text, actor_id uuid, payload jsonb))
              WITH ORDINALITY AS x(type, lead_id, actor_kind, actor_id, payload, n)
        ORDER BY x.n`,
      [JSON.stringify(events.map((e) => ({ type: e.type, lead_id: e.leadId, actor_kind: e.actorKind, actor_id: e.actorId, payload: e.payload })))],
    );
    markOutboxAppended(tx.queryRunner);
  }

  /** Events of one lead in commit order (tests and audits). */
  listForLead(leadId: string): Promise<OutboxEventEntity[]> {
    return this.db.query(
      `SELECT id, event_id AS "eventId", type, lead_id AS "leadId", actor_kind AS "actorKind", actor_id AS "actorId",
              occurred_at AS "occurredAt", payload, published_at AS "publishedAt"
         FROM outbox_event WHERE lead_id = $1 ORDER BY id`,
      [leadId],
    );
  }

  async count(): Promise<number> {
    const rows: { n: string }[] = await this.db.query(`SELECT count(*) AS n FROM outbox_event`);
    return Number(rows[0].n);
  }
}
