import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { CodeItemEntity, type CodeKind } from './code-item.entity';
import type { DefaultCode } from './default-codes';

@Injectable()
export class CodeItemRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(kind: CodeKind, includeInactive: boolean): Promise<CodeItemEntity[]> {
    return this.db.getRepository(CodeItemEntity).find({
      where: includeInactive ? { kind } : { kind, active: true },
      order: { sortOrder: 'ASC', code: 'ASC' },
    });
  }

  findOne(kind: CodeKind, code: string): Promise<CodeItemEntity | null> {
    return this.db.getRepository(CodeItemEntity).findOneBy({ kind, code });
  }

  findMany(kind: CodeKind, codes: string[]): Promise<CodeItemEntity[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return this.db.getRepository(CodeItemEntity).findBy({ kind, code: In(codes) });
  }

  /** All items of all kinds for the given (kind, code) keys, in one statement. */
  async findByKeys(keys: { kind: CodeKind; code: string }[]): Promise<CodeItemEntity[]> {
    if (keys.length === 0) return [];
    const kinds = keys.map((k) => k.kind);
    const codes = keys.map((k) => k.code);
    return this.db.query(
      `SELECT c.kind, c.code, c.name_zh AS "nameZh", c.name_en AS "nameEn", c.active, c.sort_order AS "sortOrder"
         FROM code_item c
         JOIN unnest($1::code_kind[], $2::text[]) AS k(kind, code) ON c.kind = k.kind AND c.code = k.code`,
      [kinds, codes],
    );
  }

  insert(item: Omit<CodeItemEntity, 'createdAt' | 'updatedAt'>): Promise<CodeItemEntity> {
    return this.db.getRepository(CodeItemEntity).save(item);
  }

  async update(kind: CodeKind, code: string, patch: Partial<CodeItemEntity>): Promise<void> {
    await this.db.getRepository(CodeItemEntity).update({ kind, code }, patch);
  }

  /** Inserts defaults that are missing; existing rows (possibly edited by an admin) are left alone. */
  async insertMissing(defaults: DefaultCode[], manager: EntityManager = this.db.manager): Promise<number> {
    let inserted = 0;
    for (const [i, d] of defaults.entries()) {
      const result: unknown[] = await manager.query(
        `INSERT INTO code_item (kind, code, name_zh, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, code) DO NOTHING RETURNING code`,
        [d.kind, d.code, d.nameZh, d.nameEn, i],
      );
      inserted += result.length;
    }
    return inserted;
  }
}
