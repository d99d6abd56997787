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
   * This consumer's delivery transaction, which holds the delivery's row lock. Read the database
   * through it, and write effects that must commit with "delivered" through it: they roll back
   * with a failed attempt or a crash. (In the zero-setup mode there is one database session, and a
   * query through the DataSource would wait for this very transaction.)
   */
  manager: EntityManager;
  /** The consumer's name (as registered). */
  consumer: string;
  /** 1 on the first attempt, 2 on the first retry, … (reset to 1 by a replay). */
  attempt: number;
}

/** What a batch of events is handed with (see OutboxConsumer.handleBatch). */
export interface OutboxBatchDelivery {
  /** The consumer's delivery transaction, as OutboxDelivery.manager: effects written through it commit with "delivered". */
  manager: EntityManager;
  /** The consumer's name (as registered). */
  consumer: string;
}

/**
 * Something that reacts to domain events: search indexing, notifications, webhooks, metrics.
 *
 * Each consumer fails on its own: every committed event becomes one delivery per registered
 * consumer (table outbox_delivery), with its own attempts, backoff, dead letter and BullMQ queue
 * (`outbox-consumer.<name>`). A consumer that fails or is slow delays only its own deliveries.
 *
 * Delivery is AT LEAST ONCE per consumer. A delivery is marked done in the transaction in which
 * `handle` (or `handleBatch`) returned; if `handle` throws or times out (30 s), or the process dies first, the same
 * event is delivered to this consumer again later. Consumers must therefore be idempotent: key
 * their effects on `eventId` (e.g. a unique index, or writes through `delivery.manager`), and
 * reload the current state rather than trusting the payload.
 *
 * Order: events of one lead reach a consumer in `id` order, and an event of a lead is held back
 * while an earlier event of the same lead is pending for that consumer (failing and retried with
 * backoff, or in another batch). A delivery that failed OUTBOX_MAX_ATTEMPTS times becomes a dead
 * letter (`npm run cli -- outbox:dead`) and stops holding its lead back; replayed later
 * (`outbox:replay`), it arrives after the lead's later events. Events without a lead are only
 * roughly in `id` order; consumers that reload current state do not care.
 *
 * A consumer receives the events dispatched after it was first registered (a worker running it
 * started); a new consumer that needs the past fills itself (e.g. search:reindex).
 */
export interface OutboxConsumer {
  /** Names its queue, metrics label and deliveries: lower-case letters, digits, - and _; never rename. */
  readonly name: string;
  handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void>;
  /**
   * Optional: handles several events in one go (fewer statements per event). The relay hands it the
   * claimed events that have not failed before, in `id` order (a lead's events in their order), all in
   * one savepoint of the delivery transaction: it must have the effect of `handle` on each event in
   * turn, all or nothing. If it throws (or times out), its writes are rolled back and the relay
   * delivers the same events one by one through `handle`, each in its own savepoint, so a poison
   * event fails (and is retried, then dead-lettered) alone while the others are delivered. Events
   * that failed before always go through `handle`.
   */
  handleBatch?(events: readonly OutboxEvent[], delivery: OutboxBatchDelivery): Promise<void>;
}

/** Multi-provider token: the array of every registered OutboxConsumer (see OutboxWorkerModule). */
export const OUTBOX_CONSUMERS = Symbol('OUTBOX_CONSUMERS');
