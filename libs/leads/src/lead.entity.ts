import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { LeadStage } from './domain/lead-stage';

export enum SharingScope {
  /** Owner unit and its ancestors (plus assigned units and theirs). */
  PRIVATE = 'PRIVATE',
  /** The whole district subtree of the owner; for a city-level owner the same as PRIVATE. */
  DISTRICT = 'DISTRICT',
  /** Every unit of the platform. */
  CITY = 'CITY',
  /** Every unit and every partner API client with leads:read; never with contacts. */
  PUBLIC = 'PUBLIC',
}

export interface LeadContact {
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
}

@Entity('lead')
export class LeadEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 32 }) code!: string;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) summary!: string | null;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ name: 'industry_code', type: 'varchar', length: 40 }) industryCode!: string;
  @Column({ name: 'capital_source_code', type: 'varchar', length: 40, nullable: true }) capitalSourceCode!: string | null;
  @Column({ name: 'attraction_mode_codes', type: 'text', array: true }) attractionModeCodes!: string[];
  @Column({ name: 'investor_name', type: 'varchar', length: 200 }) investorName!: string;
  @Column({ name: 'investor_name_norm', type: 'varchar', length: 200 }) investorNameNorm!: string;
  @Column({ name: 'investor_uscc', type: 'char', length: 18, nullable: true }) investorUscc!: string | null;
  @Column({ name: 'investor_country', type: 'varchar', length: 100, nullable: true }) investorCountry!: string | null;
  @Column({ name: 'investment_amount', type: 'numeric', precision: 16, scale: 2, nullable: true })
  investmentAmount!: string | null;
  @Column({ name: 'land_area_mu', type: 'numeric', precision: 12, scale: 2, nullable: true }) landAreaMu!: string | null;
  @Column({ name: 'factory_area_sqm', type: 'numeric', precision: 14, scale: 2, nullable: true })
  factoryAreaSqm!: string | null;
  @Column({ name: 'expected_jobs', type: 'integer', nullable: true }) expectedJobs!: number | null;
  @Column({ name: 'expected_annual_output', type: 'numeric', precision: 16, scale: 2, nullable: true })
  expectedAnnualOutput!: string | null;
  @Column({ name: 'expected_annual_tax', type: 'numeric', precision: 16, scale: 2, nullable: true })
  expectedAnnualTax!: string | null;
  @Column({ name: 'expected_landing_date', type: 'date', nullable: true }) expectedLandingDate!: string | null;
  @Column({ type: 'enum', enum: LeadStage, enumName: 'lead_stage' }) stage!: LeadStage;
  @Column({ name: 'stage_before_hold', type: 'enum', enum: LeadStage, enumName: 'lead_stage', nullable: true })
  stageBeforeHold!: LeadStage | null;
  @Column({ name: 'lost_reason_code', type: 'varchar', length: 40, nullable: true }) lostReasonCode!: string | null;
  @Column({ name: 'sharing_scope', type: 'enum', enum: SharingScope, enumName: 'sharing_scope' })
  sharingScope!: SharingScope;
  @Column({ name: 'owner_unit_id', type: 'uuid' }) ownerUnitId!: string;
  @Column({ name: 'landing_unit_id', type: 'uuid', nullable: true }) landingUnitId!: string | null;
  @Column({ type: 'jsonb' }) contacts!: LeadContact[];
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'created_by_kind', type: 'varchar', length: 16 }) createdByKind!: string;
  @Column({ name: 'created_by_id', type: 'uuid' }) createdById!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'signed_at', type: 'timestamptz', nullable: true }) signedAt!: Date | null;
  @Column({ name: 'landed_at', type: 'timestamptz', nullable: true }) landedAt!: Date | null;
}

/**
 * A lead as read for one caller. `detail` says whether the caller belongs to the owner or an assigned
 * chain; when false, contacts, USCC and activities are withheld.
 */
export interface VisibleLead extends Omit<LeadEntity, 'contacts'> {
  /** Null (like `investorUscc`) when the caller is outside the owner and assigned chains. */
  contacts: LeadContact[] | null;
  detail: boolean;
  canEdit: boolean;
  ownerChainEdit: boolean;
  ownerChainManager: boolean;
  /** Materialized path of the owner unit, for decisions that depend on the tree. */
  ownerPath: string;
}

export enum AssignmentVia {
  REFERRAL = 'REFERRAL',
  ASSIGNMENT = 'ASSIGNMENT',
}

@Entity('lead_assignment')
export class LeadAssignmentEntity {
  @PrimaryColumn({ name: 'lead_id', type: 'uuid' }) leadId!: string;
  @PrimaryColumn({ name: 'unit_id', type: 'uuid' }) unitId!: string;
  @Column({ type: 'enum', enum: AssignmentVia, enumName: 'lead_assignment_via' }) via!: AssignmentVia;
  @Column({ name: 'assigned_by_id', type: 'uuid' }) assignedById!: string;
  @Column({ name: 'assigned_at', type: 'timestamptz' }) assignedAt!: Date;
}

@Entity('lead_history')
export class LeadHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'lead_id', type: 'uuid' }) leadId!: string;
  @Column({ type: 'varchar', length: 40 }) action!: string;
  @Column({ name: 'actor_kind', type: 'varchar', length: 16 }) actorKind!: string;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId!: string | null;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'jsonb' }) changes!: FieldChange[];
  @Column({ type: 'varchar', length: 2000, nullable: true }) note!: string | null;
}

export interface FieldChange {
  field: string;
  oldValue: unknown;
  newValue: unknown;
}
