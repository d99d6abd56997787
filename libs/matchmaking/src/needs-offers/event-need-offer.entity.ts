import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum EventNeedOfferKind {
  /** What the unit seeks (an industry, a project for its land or space). */
  NEED = 'NEED',
  /** A project the unit cannot host and offers to the others (usually names its lead). */
  OFFER = 'OFFER',
}

export enum EventNeedOfferStatus {
  OPEN = 'OPEN',
  ANSWERED = 'ANSWERED',
  WITHDRAWN = 'WITHDRAWN',
}

/** A need or an offer a unit posts at a matchmaking event; answered by a referral. */
@Entity('event_need_offer')
export class EventNeedOfferEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'unit_id', type: 'uuid' }) unitId!: string;
  @Column({ type: 'enum', enum: EventNeedOfferKind, enumName: 'event_need_offer_kind' }) kind!: EventNeedOfferKind;
  @Column({ name: 'lead_id', type: 'uuid', nullable: true }) leadId!: string | null;
  @Column({ name: 'industry_code', type: 'varchar', length: 40 }) industryCode!: string;
  @Column({ name: 'land_area_mu', type: 'numeric', precision: 12, scale: 2, nullable: true }) landAreaMu!: string | null;
  @Column({ name: 'floor_space_sqm', type: 'numeric', precision: 14, scale: 2, nullable: true }) floorSpaceSqm!: string | null;
  @Column({ type: 'varchar', length: 2000 }) description!: string;
  @Column({ type: 'enum', enum: EventNeedOfferStatus, enumName: 'event_need_offer_status' }) status!: EventNeedOfferStatus;
  @Column({ name: 'referral_id', type: 'uuid', nullable: true }) referralId!: string | null;
  @Column({ name: 'answered_unit_id', type: 'uuid', nullable: true }) answeredUnitId!: string | null;
  @Column({ name: 'answered_by_id', type: 'uuid', nullable: true }) answeredById!: string | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt!: Date | null;
  @Column({ name: 'created_by_id', type: 'uuid' }) createdById!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A row with the posting unit's path (who may withdraw it depends on the tree). */
export interface NeedOfferRow extends EventNeedOfferEntity {
  unitPath: string;
}
