import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum CodeKind {
  INDUSTRY = 'INDUSTRY',
  CAPITAL_SOURCE = 'CAPITAL_SOURCE',
  ATTRACTION_MODE = 'ATTRACTION_MODE',
  LOST_REASON = 'LOST_REASON',
}

@Entity('code_item')
export class CodeItemEntity {
  @PrimaryColumn({ type: 'enum', enum: CodeKind, enumName: 'code_kind' })
  kind!: CodeKind;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ name: 'name_zh', type: 'varchar', length: 100 })
  nameZh!: string;

  @Column({ name: 'name_en', type: 'varchar', length: 100 })
  nameEn!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'sort_order', type: 'integer', default: 0 })
  sortOrder!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
