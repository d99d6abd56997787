import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { type Actor, Role, type Tier } from '@zs/common';
import { UserEntity } from './user.entity';

export interface UserWithUnit {
  id: string;
  username: string;
  role: Role;
  active: boolean;
  passwordHash: string;
  unitId: string;
  unitPath: string;
  unitTier: Tier;
  unitActive: boolean;
  tokenVersion: number;
}

/** A user row as the admin operations see it, with the place of its unit in the tree. */
export interface ManagedUser extends UserEntity {
  unitPath: string;
}

export type UserPatch = Partial<Pick<UserEntity, 'role' | 'unitId' | 'displayName'>>;

/**
 * Which users an actor may administer, as SQL over `app_user u JOIN org_unit o`: an ADMIN those of
 * their unit's subtree, a MANAGER those of their own unit, anybody else none. Every admin read and
 * write goes through it, so a user outside it is exactly as missing as one that does not exist.
 */
export function managedUsersPredicate(actor: Actor | 'system', params: unknown[]): string {
  if (actor === 'system') return 'true';
  if (actor.kind !== 'user') return 'false';
  switch (actor.role) {
    case Role.ADMIN:
      params.push(`${actor.unitPath}%`);
      return `o.path LIKE $${params.length}`;
    case Role.MANAGER:
      params.push(actor.unitId);
      return `u.unit_id = $${params.length}`;
    case Role.OFFICER:
    case Role.VIEWER:
      return 'false';
    default: {
      const unreachable: never = actor.role;
      return String(unreachable);
    }
  }
}

const MANAGED_COLUMNS = `u.id, u.username, u.username_canonical AS "usernameCanonical", u.display_name AS "displayName",
  u.password_hash AS "passwordHash", u.unit_id AS "unitId", u.role, u.active, u.token_version AS "tokenVersion",
  u.created_at AS "createdAt", u.updated_at AS "updatedAt", o.path AS "unitPath"`;

@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.db.manager;
  }

  async insert(
    user: Pick<UserEntity, 'username' | 'usernameCanonical' | 'displayName' | 'passwordHash' | 'unitId' | 'role'>,
    manager?: EntityManager,
  ): Promise<UserEntity> {
    const repo = this.manager(manager).getRepository(UserEntity);
    return repo.save(repo.create({ ...user, active: true }));
  }

  findById(id: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.manager(manager).getRepository(UserEntity).findOneBy({ id });
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.getRepository(UserEntity).findBy({ id: In([...ids]) });
  }

  /** The id of the user with this canonical username, or null. */
  async idByCanonical(canonical: string, manager?: EntityManager): Promise<string | null> {
    const row = await this.manager(manager)
      .getRepository(UserEntity)
      .findOne({ where: { usernameCanonical: canonical }, select: { id: true } });
    return row?.id ?? null;
  }

  /**
   * The user by id if `actor` may administer it, locked FOR UPDATE inside `manager`'s transaction;
   * null when there is no such user or it is outside the actor's reach (the same answer).
   */
  async lockManaged(actor: Actor | 'system', id: string, manager: EntityManager): Promise<ManagedUser | null> {
    const params: unknown[] = [id];
    const scope = managedUsersPredicate(actor, params);
    const rows: ManagedUser[] = await manager.query(
      `SELECT ${MANAGED_COLUMNS} FROM app_user u JOIN org_unit o ON o.id = u.unit_id
        WHERE u.id = $1 AND ${scope} FOR UPDATE OF u`,
      params,
    );
    return rows[0] ?? null;
  }

  /**
   * One page of the users `actor` administers, ordered by canonical username, optionally of one unit;
   * `limit + 1` rows so the caller can tell whether another page follows.
   */
  async pageManaged(
    actor: Actor,
    opts: { unitId?: string; after: [string, string] | null; limit: number; withTotal: boolean },
  ): Promise<{ rows: (ManagedUser & { sortKey: string })[]; total: number }> {
    const params: unknown[] = [];
    const where = [managedUsersPredicate(actor, params)];
    if (opts.unitId) {
      params.push(opts.unitId);
      where.push(`u.unit_id = $${params.length}`);
    }
    const filter = where.join(' AND ');
    const pageParams = [...params];
    let keyset = '';
    if (opts.after) {
      pageParams.push(opts.after[0], opts.after[1]);
      keyset = ` AND (u.username_canonical, u.id) > ($${pageParams.length - 1}, $${pageParams.length}::uuid)`;
    }
    pageParams.push(opts.limit + 1);
    const rows: (ManagedUser & { sortKey: string })[] = await this.db.query(
      `SELECT ${MANAGED_COLUMNS}, u.username_canonical AS "sortKey"
         FROM app_user u JOIN org_unit o ON o.id = u.unit_id
        WHERE ${filter}${keyset}
        ORDER BY u.username_canonical, u.id LIMIT $${pageParams.length}`,
      pageParams,
    );
    let total = 0;
    if (opts.withTotal) {
      const [count] = (await this.db.query(
        `SELECT count(*)::int AS n FROM app_user u JOIN org_unit o ON o.id = u.unit_id WHERE ${filter}`,
        params,
      )) as { n: number }[];
      total = count.n;
    }
    return { rows, total };
  }

  async update(id: string, patch: UserPatch, manager: EntityManager): Promise<void> {
    if (Object.keys(patch).length > 0) await manager.getRepository(UserEntity).update({ id }, patch);
  }

  /** Sets the active flag; deactivating also revokes every token of the user. */
  async setActive(id: string, active: boolean, manager?: EntityManager): Promise<void> {
    await this.manager(manager)
      .createQueryBuilder()
      .update(UserEntity)
      .set(active ? { active } : { active, tokenVersion: () => 'token_version + 1' })
      .where('id = :id', { id })
      .execute();
  }

  private async withUnit(where: string, param: string): Promise<UserWithUnit | null> {
    const rows: UserWithUnit[] = await this.db.query(
      `SELECT u.id, u.username, u.role, u.active, u.password_hash AS "passwordHash", u.unit_id AS "unitId",
              u.token_version AS "tokenVersion", o.path AS "unitPath", o.tier AS "unitTier", o.active AS "unitActive"
         FROM app_user u JOIN org_unit o ON o.id = u.unit_id
        WHERE ${where}`,
      [param],
    );
    return rows[0] ?? null;
  }

  /** By canonical username (see username.ts), the form the unique index holds. */
  findWithUnitByCanonical(canonical: string): Promise<UserWithUnit | null> {
    return this.withUnit('u.username_canonical = $1', canonical);
  }

  findWithUnitById(id: string): Promise<UserWithUnit | null> {
    return this.withUnit('u.id = $1', id);
  }

  async countAdmins(): Promise<number> {
    return this.db.getRepository(UserEntity).countBy({ role: Role.ADMIN, active: true });
  }

  /** Revokes every token of the user (by id); false when there is no such user. */
  async bumpTokenVersion(id: string): Promise<boolean> {
    const result = await this.db
      .createQueryBuilder()
      .update(UserEntity)
      .set({ tokenVersion: () => 'token_version + 1' })
      .where('id = :id', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Sets a new password hash and revokes every token of the user in one statement; false when there is none. */
  async replacePassword(id: string, passwordHash: string, manager?: EntityManager): Promise<boolean> {
    const result = await this.manager(manager)
      .createQueryBuilder()
      .update(UserEntity)
      .set({ passwordHash, tokenVersion: () => 'token_version + 1' })
      .where('id = :id', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
