import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** 年度目标: what a unit means to sign and land in one calendar year. */
@Entity('unit_target')
export class UnitTargetEntity {
  @PrimaryColumn({ name: 'unit_id', type: 'uuid' }) unitId!: string;
  @PrimaryColumn({ type: 'smallint' }) year!: number;
  @Column({ name: 'signed_count', type: 'integer' }) signedCount!: number;
  @Column({ name: 'signed_investment', type: 'numeric', precision: 16, scale: 2 }) signedInvestment!: string;
  @Column({ name: 'landed_count', type: 'integer' }) landedCount!: number;
  @Column({ name: 'landed_investment', type: 'numeric', precision: 16, scale: 2 }) landedInvestment!: string;
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'updated_by_id', type: 'uuid' }) updatedById!: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** Every setting of a unit's targets, newest last. */
@Entity('unit_target_history')
export class UnitTargetHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'unit_id', type: 'uuid' }) unitId!: string;
  @Column({ type: 'smallint' }) year!: number;
  @Column({ name: 'signed_count', type: 'integer' }) signedCount!: number;
  @Column({ name: 'signed_investment', type: 'numeric', precision: 16, scale: 2 }) signedInvestment!: string;
  @Column({ name: 'landed_count', type: 'integer' }) landedCount!: number;
  @Column({ name: 'landed_investment', type: 'numeric', precision: 16, scale: 2 }) landedInvestment!: string;
  @Column({ name: 'set_by_id', type: 'uuid' }) setById!: string;
  @Column({ name: 'set_by_unit_id', type: 'uuid' }) setByUnitId!: string;
  @Column({ name: 'set_at', type: 'timestamptz' }) setAt!: Date;
}

export type TargetValues = Pick<UnitTargetEntity, 'signedCount' | 'signedInvestment' | 'landedCount' | 'landedInvestment'>;
