import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum LeadActivityKind {
  VISIT = 'VISIT',
  CALL = 'CALL',
  MEETING = 'MEETING',
  NOTE = 'NOTE',
  EVENT = 'EVENT',
}

@Entity('lead_activity')
export class LeadActivityEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'lead_id', type: 'uuid' }) leadId!: string;
  @Column({ type: 'enum', enum: LeadActivityKind, enumName: 'lead_activity_kind' }) kind!: LeadActivityKind;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  @Column({ type: 'varchar', length: 2000 }) summary!: string;
  @Column({ type: 'text', array: true }) participants!: string[];
  @Column({ name: 'created_by_kind', type: 'varchar', length: 16 }) createdByKind!: string;
  @Column({ name: 'created_by_id', type: 'uuid' }) createdById!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
