import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum ConflictMatch {
  USCC = 'USCC',
  NAME = 'NAME',
}

export enum ConflictStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}

export enum ConflictResolution {
  /** Keep `leads[0]` (the first member: of the two that opened the case, the smaller id); the other units step back. */
  KEEP_FIRST = 'KEEP_FIRST',
  /** Keep `leads[1]`. */
  KEEP_SECOND = 'KEEP_SECOND',
  /** Both units pursue the investor together. */
  JOINT_PURSUIT = 'JOINT_PURSUIT',
  /** Not the same investor after all. */
  FALSE_MATCH = 'FALSE_MATCH',
}

/** A conflict case: one per cluster of leads chasing the same investor; its leads are members. */
@Entity('lead_conflict')
export class LeadConflictEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'enum', enum: ConflictMatch, enumName: 'conflict_match' }) match!: ConflictMatch;
  @Column({ name: 'coordinating_unit_id', type: 'uuid' }) coordinatingUnitId!: string;
  @Column({ type: 'enum', enum: ConflictStatus, enumName: 'conflict_status' }) status!: ConflictStatus;
  @Column({ type: 'enum', enum: ConflictResolution, enumName: 'conflict_resolution', nullable: true })
  resolution!: ConflictResolution | null;
  @Column({ type: 'varchar', length: 2000, nullable: true }) note!: string | null;
  @Column({ name: 'detected_at', type: 'timestamptz' }) detectedAt!: Date;
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt!: Date | null;
  @Column({ name: 'resolved_by_id', type: 'uuid', nullable: true }) resolvedById!: string | null;
}

/** A lead of a conflict case; `match` is how it matched the case when it joined. */
@Entity('lead_conflict_member')
export class LeadConflictMemberEntity {
  @PrimaryColumn({ name: 'conflict_id', type: 'uuid' }) conflictId!: string;
  @PrimaryColumn({ name: 'lead_id', type: 'uuid' }) leadId!: string;
  @Column({ type: 'enum', enum: ConflictMatch, enumName: 'conflict_match' }) match!: ConflictMatch;
  @Column({ name: 'joined_at', type: 'timestamptz' }) joinedAt!: Date;
  /** The id of the case the lead joined; kept through merges, it is the id of the lead's notice. */
  @Column({ name: 'notice_id', type: 'uuid' }) noticeId!: string;
}
