import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  type Actor,
  ApiScope,
  type Connection,
  FieldErrors,
  EntityNotFoundException,
  conflictOnDuplicate,
  isUuid,
  keysetConnection,
  keysetCursor,
  pageSize,
} from '@zs/common';
import { OrgUnitRepository } from '@zs/org';
import { type IdentityActor, requireKeyAdmin, resolveUnit } from '../identity-access';
import { textProblem } from '../text-rules';
import type { ApiClientEntity } from './api-client.entity';
import { ApiClientRepository, type ApiClientWithUnit } from './api-client.repository';

export interface CreateApiClientCommand {
  name: string;
  unitId?: string | null;
  unitCode?: string | null;
  scopes?: string[] | null;
  rateLimitPerMinute?: number | null;
}

interface Paths {
  name: string;
  scopes: string;
  rateLimitPerMinute: string;
  unitId: string;
  unitCode: string;
}

const CLI_PATHS: Paths = { name: 'name', scopes: 'scopes', rateLimitPerMinute: 'rate-limit', unitId: 'unit', unitCode: 'unit' };
const GRAPHQL_PATHS: Paths = {
  name: 'input.name',
  scopes: 'input.scopes',
  rateLimitPerMinute: 'input.rateLimitPerMinute',
  unitId: 'input.unitId',
  unitCode: 'input.unitCode',
};

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Partner API keys. The CLI (operator) and the GraphQL operations (ADMINs, for units of their
 * subtree) share this code. A key is shown once at creation; only its SHA-256 is stored.
 */
@Injectable()
export class ApiClientService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clients: ApiClientRepository,
    private readonly units: OrgUnitRepository,
  ) {}

  /** api-keys:create: `unitCode` names the unit; errors are reported under the CLI option names. */
  create(cmd: CreateApiClientCommand): Promise<{ client: ApiClientEntity; key: string }> {
    return this.createAs('system', cmd, CLI_PATHS);
  }

  /** createApiKey: returns the client and its key; the key is never stored and cannot be shown again. */
  async createAs(
    actor: IdentityActor,
    cmd: CreateApiClientCommand,
    paths: Paths = GRAPHQL_PATHS,
  ): Promise<{ client: ApiClientEntity; key: string }> {
    requireKeyAdmin(actor);
    const errors = new FieldErrors();
    const nameProblem = textProblem(cmd.name, 2, 100);
    if (nameProblem) errors.add(paths.name, nameProblem);
    const name = cmd.name.trim().normalize('NFC');
    const scopes = cmd.scopes && cmd.scopes.length > 0 ? cmd.scopes : [ApiScope.LeadsRead];
    const known = Object.values(ApiScope) as string[];
    for (const s of scopes) if (!known.includes(s)) errors.add(paths.scopes, `unknown scope ${s.slice(0, 40)}; known: ${known.join(', ')}`);
    const limit = cmd.rateLimitPerMinute ?? 600;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100000) errors.add(paths.rateLimitPerMinute, 'must be 1 to 100000 per minute');

    return this.db.transaction(async (tx) => {
      const unit = await resolveUnit(this.units, actor, cmd, paths, errors, tx);
      if (unit === undefined) errors.add(paths.unitId, 'give unitId or unitCode');
      errors.throwIfAny();
      const key = `zsk_${randomBytes(32).toString('base64url')}`;
      const client = await conflictOnDuplicate(
        () =>
          this.clients.insert(
            {
              name,
              unitId: unit!.id,
              scopes: [...new Set(scopes)] as ApiScope[],
              keyPrefix: key.slice(0, 12),
              keyHash: hashApiKey(key),
              rateLimitPerMinute: limit,
            },
            tx,
          ),
        { api_client_name_key: `An API client named ${name} already exists` },
      );
      return { client, key };
    });
  }

  /** api-keys:revoke, by the name of the active key. */
  async revoke(name: string): Promise<void> {
    if ((await this.clients.revokeByName(name.trim())) === 0) throw new EntityNotFoundException('Active API client');
  }

  /** revokeApiKey: by id; revoking a revoked key returns it unchanged. Keys out of reach look missing. */
  async revokeAs(actor: IdentityActor, id: string): Promise<ApiClientEntity> {
    requireKeyAdmin(actor);
    const reach = actor === 'system' ? '/' : actor.unitPath;
    const client = isUuid(id) ? await this.clients.revokeInReach(id, reach) : null;
    if (!client) throw new EntityNotFoundException('API key');
    return client;
  }

  /** apiKeys(unitId, first, after, includeRevoked): the keys of the caller's subtree, by name. */
  async page(
    actor: Actor,
    args: { unitId?: string | null; first?: number | null; after?: string | null; includeRevoked?: boolean | null },
  ): Promise<Connection<ApiClientEntity>> {
    requireKeyAdmin(actor);
    const limit = pageSize(args.first);
    const after = keysetCursor(args.after, 'text');
    const unitId = args.unitId ?? undefined;
    if (unitId !== undefined && !isUuid(unitId)) return keysetConnection({ rows: [], total: 0 }, limit, after);
    const result = await this.clients.pageInReach({
      unitPathPrefix: actor.unitPath,
      unitId,
      includeRevoked: args.includeRevoked ?? false,
      after,
      limit,
    });
    return keysetConnection(result, limit, after);
  }

  findById(id: string): Promise<ApiClientEntity | null> {
    return this.clients.findById(id);
  }

  findByKey(key: string): Promise<ApiClientWithUnit | null> {
    return this.clients.findActiveByHash(hashApiKey(key));
  }
}
