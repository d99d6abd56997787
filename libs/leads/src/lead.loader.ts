import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { type Actor, type GqlContext, requestLoader } from '@zs/common';
import { UserRepository, type UserEntity } from '@zs/identity';
import { LeadRepository } from './lead.repository';
import type { FieldChange, VisibleLead } from './lead.entity';
import { ConflictService } from './conflicts/conflict.service';
import type { LeadConflictEntity } from './conflicts/conflict.entity';
import type { LeadConflictNoticeModel } from './conflicts/conflict.model';

export interface HistoryRow {
  id: string;
  leadId: string;
  action: string;
  actorKind: string;
  actorId: string | null;
  at: Date;
  changes: FieldChange[];
  note: string | null;
}

/** Per-request batching for everything hanging off a lead, so a page costs a fixed number of statements. */
@Injectable()
export class LeadLoader {
  constructor(
    private readonly leads: LeadRepository,
    private readonly conflictService: ConflictService,
    private readonly userRepo: UserRepository,
  ) {}

  private grouped<T extends { leadId: string }>(ctx: GqlContext, key: string, fetch: (ids: readonly string[]) => Promise<T[]>) {
    return requestLoader(
      ctx,
      key,
      () =>
        new DataLoader<string, T[]>(async (ids) => {
          const rows = await fetch(ids);
          const byLead = new Map<string, T[]>();
          for (const r of rows) byLead.set(r.leadId, [...(byLead.get(r.leadId) ?? []), r]);
          return ids.map((id) => byLead.get(id) ?? []);
        }),
    );
  }

  assignedUnitIds(ctx: GqlContext): DataLoader<string, { leadId: string; unitId: string }[]> {
    return this.grouped(ctx, 'lead.assigned', (ids) => this.leads.assignedUnitIds(ids));
  }

  history(ctx: GqlContext): DataLoader<string, HistoryRow[]> {
    return this.grouped(ctx, 'lead.history', (ids) => this.leads.historyFor(ids));
  }

  conflicts(ctx: GqlContext): DataLoader<string, LeadConflictEntity[]> {
    return requestLoader(
      ctx,
      'lead.conflicts',
      () =>
        new DataLoader<string, LeadConflictEntity[]>(async (ids) => {
          const rows = await this.conflictService.forLeads(ids);
          return ids.map((id) => rows.filter((c) => c.leadAId === id || c.leadBId === id));
        }),
    );
  }

  /**
   * What a lead's reader learns of its investor conflicts: notices for the owner and assigned chains
   * (`detail`, from the visibility predicates), nothing for anyone else.
   */
  async conflictNotices(ctx: GqlContext, lead: VisibleLead): Promise<LeadConflictNoticeModel[]> {
    if (!lead.detail) return [];
    const rows = await this.conflicts(ctx).load(lead.id);
    return rows.map((c) => ({
      id: c.id,
      match: c.match,
      status: c.status,
      coordinatingUnitId: c.coordinatingUnitId,
      otherLeadId: c.leadAId === lead.id ? c.leadBId : c.leadAId,
    }));
  }

  /** Leads by id as the caller sees them; null for leads it may not see. */
  visible(ctx: GqlContext, actor: Actor): DataLoader<string, VisibleLead | null> {
    return requestLoader(
      ctx,
      'lead.visible',
      () =>
        new DataLoader<string, VisibleLead | null>(async (ids) => {
          const rows = await this.leads.findVisibleByIds(actor, ids);
          const byId = new Map(rows.map((r) => [r.id, r]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
  }

  users(ctx: GqlContext): DataLoader<string, UserEntity | null> {
    return requestLoader(
      ctx,
      'user.byId',
      () =>
        new DataLoader<string, UserEntity | null>(async (ids) => {
          const rows = await this.userRepo.findByIds(ids);
          const byId = new Map(rows.map((r) => [r.id, r]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
  }
}
