import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { OrgTier, OrgUnitEntity } from './org-unit.entity';

@Injectable()
export class OrgUnitRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.db.manager).getRepository(OrgUnitEntity);
  }

  findById(id: string, manager?: EntityManager): Promise<OrgUnitEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /**
   * The DataLoader batch of every page (units and their parents): one plain statement, no TypeORM
   * query building or entity hydration per call; the columns are the entity's, under its property names.
   */
  findByIds(ids: readonly string[], manager?: EntityManager): Promise<OrgUnitEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return (manager ?? this.db.manager).query(
      `SELECT id, code, name, tier, parent_id AS "parentId", path, depth, leading_industry_codes AS "leadingIndustryCodes",
              active, created_at AS "createdAt", updated_at AS "updatedAt"
         FROM org_unit WHERE id = ANY($1::uuid[])`,
      [[...ids]],
    ) as Promise<OrgUnitEntity[]>;
  }

  findByCode(code: string, manager?: EntityManager): Promise<OrgUnitEntity | null> {
    return this.repo(manager).findOneBy({ code });
  }

  listByTier(tier: OrgTier | undefined): Promise<OrgUnitEntity[]> {
    return this.repo().find({ where: tier ? { tier } : {}, order: { depth: 'ASC', code: 'ASC' } });
  }

  /** Children of several parents in one statement (DataLoader batch). */
  childrenOf(parentIds: readonly string[]): Promise<OrgUnitEntity[]> {
    if (parentIds.length === 0) return Promise.resolve([]);
    return this.repo().find({ where: { parentId: In([...parentIds]) }, order: { code: 'ASC' } });
  }

  /** Units whose path is a prefix of `path`: the unit itself and its ancestors, root first. */
  ancestorsOf(path: string): Promise<OrgUnitEntity[]> {
    return this.repo()
      .createQueryBuilder('u')
      .where(':path LIKE u.path || :wild', { path, wild: '%' })
      .orderBy('u.depth', 'ASC')
      .getMany();
  }

  /** The unit and every unit below it. */
  subtreeOf(path: string): Promise<OrgUnitEntity[]> {
    return this.repo()
      .createQueryBuilder('u')
      .where('u.path LIKE :prefix', { prefix: `${path}%` })
      .orderBy('u.depth', 'ASC')
      .addOrderBy('u.code', 'ASC')
      .getMany();
  }

  async cityExists(manager?: EntityManager): Promise<boolean> {
    return (await this.repo(manager).countBy({ tier: OrgTier.CITY })) > 0;
  }

  async countActiveChildren(id: string, manager?: EntityManager): Promise<number> {
    return this.repo(manager).countBy({ parentId: id, active: true });
  }

  async countActiveUsers(id: string, manager?: EntityManager): Promise<number> {
    const rows: { n: string }[] = await (manager ?? this.db.manager).query(
      `SELECT count(*) AS n FROM app_user WHERE unit_id = $1 AND active`,
      [id],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async insert(unit: OrgUnitEntity, manager?: EntityManager): Promise<OrgUnitEntity> {
    await this.repo(manager).insert(unit);
    return unit;
  }

  /** Inserts unless the code exists; returns whether a row was written. */
  async insertIfAbsent(unit: OrgUnitEntity, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO org_unit (id, code, name, tier, parent_id, path, depth, leading_industry_codes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING RETURNING id`,
      [unit.id, unit.code, unit.name, unit.tier, unit.parentId, unit.path, unit.depth, unit.leadingIndustryCodes],
    );
    return rows.length > 0;
  }

  async update(
    id: string,
    patch: Partial<Pick<OrgUnitEntity, 'name' | 'leadingIndustryCodes' | 'active'>>,
    manager?: EntityManager,
  ): Promise<void> {
    await this.repo(manager).update({ id }, patch);
  }

  /** Re-roots a subtree: every path under `oldPath` is rewritten to start with `newPath`. */
  async moveSubtree(
    id: string,
    newParentId: string,
    oldPath: string,
    newPath: string,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(`UPDATE org_unit SET parent_id = $1, updated_at = now() WHERE id = $2`, [newParentId, id]);
    await manager.query(
      `UPDATE org_unit
          SET path = $2 || substr(path, length($1) + 1),
              depth = depth + ($3::int - $4::int)
        WHERE path LIKE $1 || '%'`,
      [oldPath, newPath, newPath.split('/').length, oldPath.split('/').length],
    );
  }

  /**
   * Locks the unit row: `update` (FOR UPDATE) before moving or deactivating it, `share` (FOR SHARE)
   * before hanging a child under it, so a deactivation and a new child cannot pass each other.
   */
  async lock(id: string, manager: EntityManager, mode: 'update' | 'share' = 'update'): Promise<OrgUnitEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('u')
      .setLock(mode === 'update' ? 'pessimistic_write' : 'pessimistic_read')
      .where('u.id = :id', { id })
      .getOne();
  }
}
