import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum OrgTier {
  CITY = 'CITY',
  DISTRICT = 'DISTRICT',
  ZONE = 'ZONE',
}

@Entity('org_unit')
export class OrgUnitEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'enum', enum: OrgTier, enumName: 'org_tier' })
  tier!: OrgTier;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  /** "/rootId/.../ownId/": ancestors are prefixes of it. */
  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'smallint' })
  depth!: number;

  @Column({ name: 'leading_industry_codes', type: 'text', array: true, default: () => "'{}'" })
  leadingIndustryCodes!: string[];

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
