import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { type GqlContext, requestLoader, SettledLoader } from '@zs/common';
import type { OrgUnitEntity } from './org-unit.entity';
import { OrgUnitRepository } from './org-unit.repository';

/** Per-request batching of unit look-ups: a page of records costs one query for all their units. */
@Injectable()
export class OrgUnitLoader {
  constructor(private readonly units: OrgUnitRepository) {}

  byId(ctx: GqlContext): SettledLoader<string, OrgUnitEntity | null> {
    return requestLoader(
      ctx,
      'orgUnit.byId',
      () =>
        new SettledLoader<string, OrgUnitEntity | null>(async (ids) => {
          const rows = await this.units.findByIds(ids);
          const byId = new Map(rows.map((r) => [r.id, r]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
  }

  childrenOf(ctx: GqlContext): DataLoader<string, OrgUnitEntity[]> {
    return requestLoader(
      ctx,
      'orgUnit.children',
      () =>
        new DataLoader<string, OrgUnitEntity[]>(async (parentIds) => {
          const rows = await this.units.childrenOf(parentIds);
          return parentIds.map((id) => rows.filter((r) => r.parentId === id));
        }),
    );
  }
}
