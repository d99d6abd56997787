import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiScope, FieldErrors, NotFoundException, conflictOnDuplicate } from '@zs/common';
import { OrgUnitService } from '@zs/org';
import type { ApiClientEntity } from './api-client.entity';
import { ApiClientRepository, type ApiClientWithUnit } from './api-client.repository';

export interface CreateApiClientCommand {
  name: string;
  unitCode: string;
  scopes?: string[];
  rateLimitPerMinute?: number;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

@Injectable()
export class ApiClientService {
  constructor(
    private readonly clients: ApiClientRepository,
    private readonly orgUnits: OrgUnitService,
  ) {}

  /** Creates a client and returns its key; the key is never stored and cannot be shown again. */
  async create(cmd: CreateApiClientCommand): Promise<{ client: ApiClientEntity; key: string }> {
    const errors = new FieldErrors();
    const name = cmd.name.trim();
    if (name.length < 2 || name.length > 100) errors.add('name', 'must be 2 to 100 characters');
    const scopes = cmd.scopes && cmd.scopes.length > 0 ? cmd.scopes : [ApiScope.LeadsRead];
    const known = Object.values(ApiScope) as string[];
    for (const s of scopes) if (!known.includes(s)) errors.add('scopes', `unknown scope ${s}; known: ${known.join(', ')}`);
    const limit = cmd.rateLimitPerMinute ?? 600;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100000) errors.add('rate-limit', 'must be 1 to 100000 per minute');
    const unit = await this.orgUnits.findByCode(cmd.unitCode.trim());
    if (!unit) errors.add('unit', `no unit with code ${cmd.unitCode}`);
    else if (!unit.active) errors.add('unit', 'the unit is inactive');
    errors.throwIfAny();

    const key = `zsk_${randomBytes(32).toString('base64url')}`;
    const client = await conflictOnDuplicate(
      () =>
        this.clients.insert({
          name,
          unitId: unit!.id,
          scopes: [...new Set(scopes)] as ApiScope[],
          keyPrefix: key.slice(0, 12),
          keyHash: hashApiKey(key),
          rateLimitPerMinute: limit,
        }),
      { api_client_name_key: `An API client named ${name} already exists` },
    );
    return { client, key };
  }

  async revoke(name: string): Promise<void> {
    if ((await this.clients.revokeByName(name)) === 0) throw new NotFoundException('Active API client');
  }

  findByKey(key: string): Promise<ApiClientWithUnit | null> {
    return this.clients.findActiveByHash(hashApiKey(key));
  }
}
