import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { type Actor, type GqlContext, pathIds, requestLoader, SettledLoader } from '@zs/common';
import { UserRepository, type UserEntity } from '@zs/identity';
import { LeadRepository } from './lead.repository';
import type { VisibleLead } from './lead.entity';
import { readableChange } from './lead-visibility';
import { ConflictService, nearestCommonAncestorPath } from './conflicts/conflict.service';
import { ConflictMatch } from './conflicts/conflict.entity';
import type { LeadConflictNoticeModel } from './conflicts/conflict.model';

/** A history entry as its reader may see it: values already redacted by the detail rule. */
export interface HistoryRow {
  id: string;
  leadId: string;
  action: string;
  actorKind: string;
  actorId: string | null;
  at: Date;
  changes: { field: string; oldValue: string | null; newValue: string | null }[];
  note: string | null;
  actorUnitId: string | null;
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
        new SettledLoader<string, T[]>(async (ids) => {
          const rows = await fetch(ids);
          const byLead = new Map<string, T[]>();
          for (const r of rows) byLead.set(r.leadId, [...(byLead.get(r.leadId) ?? []), r]);
          return ids.map((id) => byLead.get(id) ?? []);
        }),
    );
  }

  assignedUnitIds(ctx: GqlContext): SettledLoader<string, { leadId: string; unitId: string }[]> {
    return this.grouped(ctx, 'lead.assigned', (ids) => this.leads.assignedUnitIds(ids));
  }

  history(ctx: GqlContext): DataLoader<string, HistoryRow[]> {
    return this.grouped(ctx, 'lead.history', async (ids) =>
      (await this.leads.historyFor(ctx.actor!, ids)).map(({ detail, ...r }) => ({
        ...r,
        changes: r.changes.map((c) => readableChange(c, detail)),
      })),
    );
  }

  /**
   * What a lead's reader learns of its investor conflicts, decided in SQL (knownConflict): notices for
   * the owner and assigned chains when they may see a peer of the lead in the case, nothing for
   * anyone else. Each notice is built from what the reader may see only: its peers, their match and
   * the unit that coordinates them (the case's coordinating unit, or a unit below it when the case
   * holds leads the reader may not see: naming the case's unit would tell of them).
   */
  conflictNotices(ctx: GqlContext, lead: VisibleLead): Promise<LeadConflictNoticeModel[]> {
    if (!lead.detail) return Promise.resolve([]);
    return this.grouped(ctx, 'lead.conflicts', (ids) => this.conflictService.knownForLeads(ctx.actor!, ids))
      .load(lead.id)
      .then((rows) =>
        rows.map((c) => ({
          // The case the lead joined, kept through merges: a merge with leads the reader may not see must not show.
          id: c.noticeId,
          match: c.usccPeer ? ConflictMatch.USCC : ConflictMatch.NAME,
          status: c.status,
          coordinatingUnitId: pathIds(c.otherPaths.reduce((a, b) => nearestCommonAncestorPath(a, b), c.leadPath)).at(-1)!,
          otherLeadIds: c.otherLeadIds,
        })),
      );
  }

  /** Member lead ids of conflict cases, first joined first. */
  conflictMembers(ctx: GqlContext): DataLoader<string, string[]> {
    return requestLoader(
      ctx,
      'conflict.members',
      () =>
        new DataLoader<string, string[]>(async (ids) => {
          const rows = await this.conflictService.membersOf(ids);
          const byCase = new Map<string, string[]>();
          for (const r of rows) byCase.set(r.conflictId, [...(byCase.get(r.conflictId) ?? []), r.leadId]);
          return ids.map((id) => byCase.get(id) ?? []);
        }),
    );
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

  /**
   * The person behind a lead's creation or a history entry, as the caller may know them: API clients
   * (partners) get the unit, never the officer; entries by API clients or the system name no person.
   */
  person(ctx: GqlContext, kind: string, id: string | null): Promise<UserEntity | null> | null {
    if (ctx.actor?.kind !== 'user' || kind !== 'user' || !id) return null;
    return this.users(ctx).load(id);
  }

  private users(ctx: GqlContext): DataLoader<string, UserEntity | null> {
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
