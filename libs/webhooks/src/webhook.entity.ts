import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export enum WebhookDeliveryStatus {
  /** Not attempted yet (or redelivered): due at next_attempt_at. */
  PENDING = 'PENDING',
  /** A 2xx answer was received. */
  DELIVERED = 'DELIVERED',
  /** The last attempt failed; retried at next_attempt_at. */
  FAILED = 'FAILED',
  /** Given up: out of attempts, or no longer deliverable (lead not visible, webhook or client inactive). */
  DEAD = 'DEAD',
}

@Entity('webhook')
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'api_client_id', type: 'uuid' }) apiClientId!: string;
  @Column({ type: 'varchar', length: 2000 }) url!: string;
  /** DomainEventType values (see WebhookEventType). */
  @Column({ type: 'text', array: true }) events!: string[];
  /** Kept to sign requests; returned only by createWebhook. */
  @Column({ type: 'varchar', length: 100 }) secret!: string;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('webhook_delivery')
@Unique('webhook_delivery_once', ['webhookId', 'eventId'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'webhook_id', type: 'uuid' }) webhookId!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'event_type', type: 'varchar', length: 64 }) eventType!: string;
  @Column({ name: 'lead_id', type: 'uuid', nullable: true }) leadId!: string | null;
  @Column({ type: 'enum', enum: WebhookDeliveryStatus, enumName: 'webhook_delivery_status', default: WebhookDeliveryStatus.PENDING })
  status!: WebhookDeliveryStatus;
  @Column({ type: 'integer', default: 0 }) attempts!: number;
  @Column({ name: 'next_attempt_at', type: 'timestamptz' }) nextAttemptAt!: Date;
  @Column({ name: 'last_status_code', type: 'integer', nullable: true }) lastStatusCode!: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  /** The body's object `{ id, type, occurredAt, data }`, as the client may see it. */
  @Column({ type: 'jsonb' }) payload!: WebhookBody;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The JSON a partner receives. */
export interface WebhookBody {
  /** The domain event's id: the same for every attempt and redelivery (deduplicate on it). */
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}
