import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a notification is about; users can mute kinds (notificationPreferences). */
export enum NotificationKind {
  /** A lead was shared or widened (or created shared) to the recipient's tier. */
  LEAD_SHARED = 'LEAD_SHARED',
  /** Stage reached SIGNED, LANDED, OPERATING or LOST (owner chain), or any stage change (followers). */
  LEAD_STAGE_CHANGED = 'LEAD_STAGE_CHANGED',
  LEAD_REFERRED = 'LEAD_REFERRED',
  REFERRAL_ANSWERED = 'REFERRAL_ANSWERED',
  REFERRAL_WITHDRAWN = 'REFERRAL_WITHDRAWN',
  LEAD_ASSIGNED = 'LEAD_ASSIGNED',
  CONFLICT_DETECTED = 'CONFLICT_DETECTED',
  CONFLICT_RESOLVED = 'CONFLICT_RESOLVED',
  /** Followers only: fields changed, an activity was recorded, a lead was created. */
  LEAD_UPDATED = 'LEAD_UPDATED',
  LEAD_ACTIVITY_ADDED = 'LEAD_ACTIVITY_ADDED',
  DIGEST = 'DIGEST',
  REMINDER_LANDING = 'REMINDER_LANDING',
  REMINDER_STALE = 'REMINDER_STALE',
}

/** Where a notification went; part of the unique key (event, user, channel). */
export enum NotificationChannel {
  /** The in-app inbox (and the live subscription). */
  IN_APP = 'IN_APP',
  /** The digest sent by e-mail (the in-app digest is an IN_APP row of kind DIGEST). */
  EMAIL = 'EMAIL',
}

@Entity('notification')
export class NotificationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ type: 'varchar', length: 16 }) channel!: NotificationChannel;
  @Column({ type: 'varchar', length: 40 }) kind!: NotificationKind;
  @Column({ name: 'lead_id', type: 'uuid', nullable: true }) leadId!: string | null;
  @Column({ name: 'actor_kind', type: 'varchar', length: 16, nullable: true }) actorKind!: string | null;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId!: string | null;
  @Column({ name: 'actor_unit_id', type: 'uuid', nullable: true }) actorUnitId!: string | null;
  @Column({ type: 'varchar', length: 300 }) title!: string;
  @Column({ type: 'text' }) body!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'read_at', type: 'timestamptz', nullable: true }) readAt!: Date | null;
}

/** One planned chunk of stage 1: who is told what about which lead. */
export interface FanoutChunk {
  eventId: string;
  seq: number;
  kind: NotificationKind;
  leadId: string | null;
  actorKind: string | null;
  actorId: string | null;
  actorUnitId: string | null;
  title: string;
  body: string;
  userIds: string[];
}

/** A user as a possible recipient: enough to build their Actor for the visibility rule. */
export interface RecipientRow {
  id: string;
  username: string;
  role: string;
  unitId: string;
  unitPath: string;
  unitTier: string;
}
