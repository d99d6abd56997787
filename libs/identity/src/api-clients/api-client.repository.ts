import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import type { ApiScope, Tier } from '@zs/common';
import { ApiClientEntity } from './api-client.entity';

export interface ApiClientWithUnit {
  id: string;
  name: string;
  scopes: ApiScope[];
  rateLimitPerMinute: number;
  unitId: string;
  unitPath: string;
  unitTier: Tier;
}

const COLUMNS = `c.id, c.name, c.unit_id AS "unitId", c.scopes, c.key_prefix AS "keyPrefix", c.key_hash AS "keyHash",
  c.rate_limit_per_minute AS "rateLimitPerMinute", c.revoked_at AS "revokedAt", c.created_at AS "createdAt"`;

@Injectable()
export class ApiClientRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  insert(client: Omit<ApiClientEntity, 'id' | 'createdAt' | 'revokedAt'>, manager?: EntityManager): Promise<ApiClientEntity> {
    const repo = (manager ?? this.db.manager).getRepository(ApiClientEntity);
    return repo.save(repo.create({ ...client, revokedAt: null }));
  }

  findById(id: string): Promise<ApiClientEntity | null> {
    return this.db.getRepository(ApiClientEntity).findOneBy({ id });
  }

  /** Active (unrevoked) client by key hash, with its unit's place in the tree. Read on every request: revocation is immediate. */
  async findActiveByHash(keyHash: string): Promise<ApiClientWithUnit | null> {
    const rows: ApiClientWithUnit[] = await this.db.query(
      `SELECT c.id, c.name, c.scopes, c.rate_limit_per_minute AS "rateLimitPerMinute", c.unit_id AS "unitId",
              o.path AS "unitPath", o.tier AS "unitTier"
         FROM api_client c JOIN org_unit o ON o.id = c.unit_id
        WHERE c.key_hash = $1 AND c.revoked_at IS NULL AND o.active`,
      [keyHash],
    );
    return rows[0] ?? null;
  }

  /** Returns how many keys were revoked (0 when none by that name was active). */
  async revokeByName(name: string): Promise<number> {
    const result = await this.db
      .getRepository(ApiClientEntity)
      .update({ name, revokedAt: IsNull() }, { revokedAt: new Date() });
    return result.affected ?? 0;
  }

  /**
   * Revokes the key if its unit lies under `unitPathPrefix` (the caller's reach); returns it, revoked
   * (already revoked keys are returned unchanged), or null when it does not exist or is out of reach.
   */
  async revokeInReach(id: string, unitPathPrefix: string): Promise<ApiClientEntity | null> {
    // Wrapped in a SELECT so every driver returns plain rows (TypeORM returns [rows, count] for UPDATE).
    const rows: { id: string }[] = await this.db.query(
      `WITH revoked AS (
         UPDATE api_client c SET revoked_at = coalesce(c.revoked_at, now())
           FROM org_unit o
          WHERE o.id = c.unit_id AND c.id = $1 AND o.path LIKE $2
          RETURNING c.id)
       SELECT id FROM revoked`,
      [id, `${unitPathPrefix}%`],
    );
    return rows[0] ? this.findById(id) : null;
  }

  /** One page of the keys whose unit lies under `unitPathPrefix`, by name; `limit + 1` rows. */
  async pageInReach(opts: {
    unitPathPrefix: string;
    unitId?: string;
    includeRevoked: boolean;
    after: [string, string] | null;
    limit: number;
  }): Promise<{ rows: (ApiClientEntity & { sortKey: string })[]; total: number }> {
    const params: unknown[] = [`${opts.unitPathPrefix}%`];
    const where = ['o.path LIKE $1'];
    if (opts.unitId) {
      params.push(opts.unitId);
      where.push(`c.unit_id = $${params.length}`);
    }
    if (!opts.includeRevoked) where.push('c.revoked_at IS NULL');
    const filter = where.join(' AND ');
    const pageParams = [...params];
    let keyset = '';
    if (opts.after) {
      pageParams.push(opts.after[0], opts.after[1]);
      keyset = ` AND (c.name, c.id) > ($${pageParams.length - 1}, $${pageParams.length}::uuid)`;
    }
    pageParams.push(opts.limit + 1);
    const rows: (ApiClientEntity & { sortKey: string })[] = await this.db.query(
      `SELECT ${COLUMNS}, c.name AS "sortKey" FROM api_client c JOIN org_unit o ON o.id = c.unit_id
        WHERE ${filter}${keyset} ORDER BY c.name, c.id LIMIT $${pageParams.length}`,
      pageParams,
    );
    const [count] = (await this.db.query(
      `SELECT count(*)::int AS n FROM api_client c JOIN org_unit o ON o.id = c.unit_id WHERE ${filter}`,
      params,
    )) as { n: number }[];
    return { rows, total: count.n };
  }
}
