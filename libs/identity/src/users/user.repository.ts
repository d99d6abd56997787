import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Role, type Tier } from '@zs/common';
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

@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(
    user: Pick<UserEntity, 'username' | 'displayName' | 'passwordHash' | 'unitId' | 'role'>,
    manager?: EntityManager,
  ): Promise<UserEntity> {
    const repo = (manager ?? this.db.manager).getRepository(UserEntity);
    return repo.save(repo.create({ ...user, active: true }));
  }

  /**
   * Sets the active flag by username (case-insensitive); returns the user, or null when there is none.
   * Deactivating also revokes every token of the user.
   */
  async setActive(username: string, active: boolean): Promise<UserEntity | null> {
    const result = await this.db
      .createQueryBuilder()
      .update(UserEntity)
      .set(active ? { active } : { active, tokenVersion: () => 'token_version + 1' })
      .where('lower(username) = lower(:username)', { username })
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id ? this.findById(id) : null;
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ id });
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.getRepository(UserEntity).findBy({ id: In([...ids]) });
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

  findWithUnitByUsername(username: string): Promise<UserWithUnit | null> {
    return this.withUnit('lower(u.username) = lower($1)', username);
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

  /**
   * Sets a new password hash and revokes every token of the user in one statement. By id, or by
   * username (case-insensitive); returns the user's id, or null when there is none.
   */
  async replacePassword(by: { id: string } | { username: string }, passwordHash: string): Promise<string | null> {
    const qb = this.db
      .createQueryBuilder()
      .update(UserEntity)
      .set({ passwordHash, tokenVersion: () => 'token_version + 1' });
    if ('id' in by) qb.where('id = :id', { id: by.id });
    else qb.where('lower(username) = lower(:username)', { username: by.username });
    const result = await qb.returning('id').execute();
    return (result.raw as { id: string }[])[0]?.id ?? null;
  }
}
