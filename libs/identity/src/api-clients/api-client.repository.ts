import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
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

@Injectable()
export class ApiClientRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  insert(client: Omit<ApiClientEntity, 'id' | 'createdAt' | 'revokedAt'>): Promise<ApiClientEntity> {
    const repo = this.db.getRepository(ApiClientEntity);
    return repo.save(repo.create({ ...client, revokedAt: null }));
  }

  /** Active (unrevoked) client by key hash, with its unit's place in the tree. */
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
}
