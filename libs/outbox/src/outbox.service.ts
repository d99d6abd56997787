import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '@zs/common';
import type { DomainEvent, DomainEventType } from './domain-event';
import { OutboxRepository } from './outbox.repository';

@Injectable()
export class OutboxService {
  constructor(private readonly outbox: OutboxRepository) {}

  /**
   * Records a domain event in the caller's transaction: the change and its event commit together
   * or not at all. Delivery to consumers is the worker's job (outbox relay).
   */
  record(
    tx: EntityManager,
    actor: Actor | 'system',
    type: DomainEventType,
    leadId: string | null,
    payload: Record<string, unknown>,
  ): Promise<void> {
    const event: DomainEvent = {
      type,
      leadId,
      actorKind: actor === 'system' ? 'system' : actor.kind,
      actorId: actor === 'system' ? null : actor.id,
      payload,
    };
    return this.outbox.append(tx, event);
  }

  /** Records several events in the caller's transaction with one statement (bulk writers: imports, benchmarks). */
  recordMany(
    tx: EntityManager,
    actor: Actor | 'system',
    events: readonly { type: DomainEventType; leadId: string | null; payload: Record<string, unknown> }[],
  ): Promise<void> {
    return this.outbox.appendMany(
      tx,
      events.map((e) => ({
        ...e,
        actorKind: actor === 'system' ? 'system' : actor.kind,
        actorId: actor === 'system' ? null : actor.id,
      })),
    );
  }
}
