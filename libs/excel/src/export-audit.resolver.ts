import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { type Actor, AccessDeniedException, ConnectionType, CurrentActor, Role, keysetConnection, keysetCursor, pageSize, type Connection } from '@zs/common';
import { ExportAuditModel } from './export-audit.model';
import { ExportAuditRepository } from './export-audit.repository';

const ExportAuditConnection = ConnectionType(ExportAuditModel, 'ExportAudit');

@Resolver(() => ExportAuditModel)
export class ExportAuditResolver {
  constructor(private readonly audit: ExportAuditRepository) {}

  @Query(() => ExportAuditConnection, { description: 'Every export (who, when, filter, rows), newest first; city administrators only' })
  async exportAudit(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<Connection<ExportAuditModel>> {
    if (actor.kind !== 'user' || actor.role !== Role.ADMIN || actor.unitTier !== 'CITY') {
      throw new AccessDeniedException('The export audit is for city administrators');
    }
    const limit = pageSize(first);
    const cursor = keysetCursor(after);
    return keysetConnection(await this.audit.page(limit, cursor), limit, cursor);
  }
}
