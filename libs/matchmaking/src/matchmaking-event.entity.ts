import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum MatchmakingEventKind {
  CITY_INTERNAL = 'CITY_INTERNAL',
  WITH_OUTSIDE_PARKS = 'WITH_OUTSIDE_PARKS',
  CHAMBER_OF_COMMERCE = 'CHAMBER_OF_COMMERCE',
  ALUMNI = 'ALUMNI',
  ONLINE = 'ONLINE',
  OTHER = 'OTHER',
}

export enum MatchmakingEventStatus {
  PLANNED = 'PLANNED',
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

/** 项目对接活动: one exchange and matchmaking event hosted by a unit. */
@Entity('matchmaking_event')
export class MatchmakingEventEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ name: 'host_unit_id', type: 'uuid' }) hostUnitId!: string;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt!: Date;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt!: Date;
  @Column({ type: 'varchar', length: 200, nullable: true }) place!: string | null;
  @Column({ type: 'enum', enum: MatchmakingEventKind, enumName: 'matchmaking_event_kind' }) kind!: MatchmakingEventKind;
  @Column({ type: 'enum', enum: MatchmakingEventStatus, enumName: 'matchmaking_event_status' })
  status!: MatchmakingEventStatus;
  @Column({ name: 'participating_unit_ids', type: 'uuid', array: true }) participatingUnitIds!: string[];
  @Column({ name: 'external_parties', type: 'text', array: true }) externalParties!: string[];
  @Column({ type: 'varchar', length: 4000, nullable: true }) notes!: string | null;
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'created_by_id', type: 'uuid' }) createdById!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A lead presented at an event. */
@Entity('matchmaking_event_lead')
export class MatchmakingEventLeadEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @PrimaryColumn({ name: 'lead_id', type: 'uuid' }) leadId!: string;
  @Column({ name: 'added_by_id', type: 'uuid' }) addedById!: string;
  @Column({ name: 'added_at', type: 'timestamptz' }) addedAt!: Date;
}

/** An event row with the host unit's path (who may manage it depends on the tree). */
export interface EventRow extends MatchmakingEventEntity {
  hostPath: string;
}
