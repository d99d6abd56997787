import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum ReferralStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  WITHDRAWN = 'WITHDRAWN',
}

export enum ReferralDirection {
  INCOMING = 'INCOMING',
  OUTGOING = 'OUTGOING',
}

@Entity('lead_referral')
export class ReferralEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'lead_id', type: 'uuid' }) leadId!: string;
  @Column({ name: 'from_unit_id', type: 'uuid' }) fromUnitId!: string;
  @Column({ name: 'to_unit_id', type: 'uuid' }) toUnitId!: string;
  @Column({ type: 'enum', enum: ReferralStatus, enumName: 'referral_status' }) status!: ReferralStatus;
  @Column({ type: 'varchar', length: 2000, nullable: true }) note!: string | null;
  @Column({ name: 'response_note', type: 'varchar', length: 2000, nullable: true }) responseNote!: string | null;
  @Column({ name: 'created_by_id', type: 'uuid' }) createdById!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'responded_by_id', type: 'uuid', nullable: true }) respondedById!: string | null;
  @Column({ name: 'responded_at', type: 'timestamptz', nullable: true }) respondedAt!: Date | null;
}
