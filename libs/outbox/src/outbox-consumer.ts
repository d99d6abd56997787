import type { EntityManager } from 'typeorm';
import type { DomainEventType } from './domain-event';

/** A committed domain event as the relay hands it to consumers. */
export interface OutboxEvent {
  /** Position in the outbox (bigint as text); increases in insertion order. */
  id: string;
  /** Stable identity of the event: the idempotency key for consumers. */
  eventId: string;
  type: DomainEventType;
  leadId: string | null;
  actorKind: string;
  actorId: string | null;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export interface OutboxDelivery {
  /**
   * The relay's transaction, which holds the event's row lock. Read the database through it: in the
   * zero-setup mode there is one database session, and a query through the DataSource would wait
   * for this very transaction.
   */
  manager: EntityManager;
}

/**
 * Something that reacts to domain events: search indexing, notifications, webhooks, metrics.
 *
 * Delivery is AT LEAST ONCE. An event is marked published only after every consumer returned for
 * it; if a consumer throws, or the process dies first, the event is delivered again later, to
 * every consumer, including those that already handled it. Consumers must therefore be idempotent:
 * key their effects on `eventId` (e.g. a unique index on a delivery table, or an upsert of the
 * current state of `leadId`), and reload the current state rather than trusting the payload.
 *
 * Order: events of one lead reach a consumer in `id` order, and an event of a lead is held back
 * while an earlier event of the same lead is pending (failing and retried with backoff, or in
 * another relay's batch). An event that failed OUTBOX_MAX_ATTEMPTS times becomes a dead letter and
 * stops holding its lead back; replayed later (requeueDead), it arrives after the lead's later
 * events. Events without a lead are only roughly in `id` order across parallel relays; consumers
 * that reload current state do not care.
 */
export interface OutboxConsumer {
  /** Shown in logs and metrics. */
  readonly name: string;
  handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void>;
}

/** Multi-provider token: the array of every registered OutboxConsumer (see OutboxWorkerModule). */
export const OUTBOX_CONSUMERS = Symbol('OUTBOX_CONSUMERS');
