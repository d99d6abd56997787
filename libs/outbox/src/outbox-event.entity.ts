import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DomainEventType } from './domain-event';

@Entity('outbox_event')
export class OutboxEventEntity {
  /** Monotonic, so consumers see events of one lead in commit order. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: DomainEventType;

  @Column({ name: 'lead_id', type: 'uuid', nullable: true })
  leadId!: string | null;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: string;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** Every consumer's delivery is done (dead letters are not): only then may the event be pruned. */
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /** Fanned out into one outbox_delivery row per registered consumer. */
  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;
}
