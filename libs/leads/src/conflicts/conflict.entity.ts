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
  /** Keep the lead with the smaller id (`leads[0]`); the other unit steps back. */
  KEEP_FIRST = 'KEEP_FIRST',
  KEEP_SECOND = 'KEEP_SECOND',
  /** Both units pursue the investor together. */
  JOINT_PURSUIT = 'JOINT_PURSUIT',
  /** Not the same investor after all. */
  FALSE_MATCH = 'FALSE_MATCH',
}

@Entity('lead_conflict')
export class LeadConflictEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'lead_a_id', type: 'uuid' }) leadAId!: string;
  @Column({ name: 'lead_b_id', type: 'uuid' }) leadBId!: string;
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
