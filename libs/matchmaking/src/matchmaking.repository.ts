import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@zs/common';
import { SqlParams, leadAccess, newestFirstPage } from '@zs/leads';
import type { EventRow, MatchmakingEventKind, MatchmakingEventStatus } from './matchmaking-event.entity';
import type { MatchmakingEventSummaryModel } from './matchmaking.model';

const EVENT_COLUMNS = `e.id, e.name, e.host_unit_id AS "hostUnitId", e.starts_at AS "startsAt", e.ends_at AS "endsAt",
  e.place, e.kind, e.status, e.participating_unit_ids AS "participatingUnitIds", e.external_parties AS "externalParties",
  e.notes, e.version, e.created_by_id AS "createdById", e.created_at AS "createdAt", e.updated_at AS "updatedAt",
  hu.path AS "hostPath"`;

export interface EventValues {
  name: string;
  hostUnitId: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  kind: MatchmakingEventKind;
  status: MatchmakingEventStatus;
  participatingUnitIds: string[];
  externalParties: string[];
  notes: string | null;
}

export interface EventPageFilter {
  statuses?: MatchmakingEventStatus[] | null;
  kinds?: MatchmakingEventKind[] | null;
  hostPath?: string | null;
  startsFrom?: Date | null;
  startsTo?: Date | null;
}

@Injectable()
export class MatchmakingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findById(id: string, manager: EntityManager = this.db.manager, lock = false): Promise<EventRow | null> {
    const rows: EventRow[] = await manager.query(
      `SELECT ${EVENT_COLUMNS} FROM matchmaking_event e JOIN org_unit hu ON hu.id = e.host_unit_id
        WHERE e.id = $1 ${lock ? 'FOR UPDATE OF e' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  findByIds(ids: readonly string[]): Promise<EventRow[]> {
    return this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM matchmaking_event e JOIN org_unit hu ON hu.id = e.host_unit_id WHERE e.id = ANY($1::uuid[])`,
      [[...ids]],
    );
  }

  async insert(tx: EntityManager, v: EventValues, createdById: string): Promise<string> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO matchmaking_event (name, host_unit_id, starts_at, ends_at, place, kind, status, participating_unit_ids,
         external_parties, notes, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9::text[], $10, $11) RETURNING id`,
      [v.name, v.hostUnitId, v.startsAt, v.endsAt, v.place, v.kind, v.status, v.participatingUnitIds, v.externalParties, v.notes, createdById],
    );
    return rows[0].id;
  }

  async update(tx: EntityManager, id: string, v: EventValues): Promise<void> {
    await tx.query(
      `UPDATE matchmaking_event SET name = $2, starts_at = $3, ends_at = $4, place = $5, kind = $6, status = $7,
         participating_unit_ids = $8::uuid[], external_parties = $9::text[], notes = $10,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, v.name, v.startsAt, v.endsAt, v.place, v.kind, v.status, v.participatingUnitIds, v.externalParties, v.notes],
    );
  }

  /** One page of events, newest start first, with the total of the filtered set. */
  page(filter: EventPageFilter, limit: number, after: [string, string] | null): Promise<{ rows: (EventRow & { sortKey: string })[]; total: number }> {
    const p = new SqlParams();
    const where = ['true'];
    if (filter.statuses?.length) where.push(`e.status = ANY(${p.add(filter.statuses)}::matchmaking_event_status[])`);
    if (filter.kinds?.length) where.push(`e.kind = ANY(${p.add(filter.kinds)}::matchmaking_event_kind[])`);
    if (filter.hostPath) where.push(`hu.path LIKE ${p.add(filter.hostPath)}::text || '%'`);
    if (filter.startsFrom) where.push(`e.starts_at >= ${p.add(filter.startsFrom)}::timestamptz`);
    if (filter.startsTo) where.push(`e.starts_at < ${p.add(filter.startsTo)}::timestamptz`);
    return newestFirstPage(this.db, {
      select: EVENT_COLUMNS,
      from: `FROM matchmaking_event e JOIN org_unit hu ON hu.id = e.host_unit_id WHERE ${where.join(' AND ')}`,
      params: p.values,
      timeColumn: 'e.starts_at',
      idColumn: 'e.id',
      limit,
      after,
    });
  }

  /** Ids of the event's leads the caller may see, most recently presented first (the visibility rule of leads). */
  leadPage(actor: Actor, eventId: string, limit: number, after: [string, string] | null): Promise<{ rows: { id: string; sortKey: string }[]; total: number }> {
    const p = new SqlParams();
    const ev = p.add(eventId);
    const visible = leadAccess(actor, p).visible();
    return newestFirstPage(this.db, {
      select: 'l.id',
      from: `FROM matchmaking_event_lead el JOIN lead l ON l.id = el.lead_id JOIN org_unit ou ON ou.id = l.owner_unit_id
        WHERE el.event_id = ${ev}::uuid AND ${visible}`,
      params: p.values,
      timeColumn: 'el.added_at',
      idColumn: 'l.id',
      limit,
      after,
    });
  }

  /** Leads presented, signed at the event, and their investment: only leads the caller may see count. */
  async summary(actor: Actor, eventId: string): Promise<MatchmakingEventSummaryModel> {
    const p = new SqlParams();
    const ev = p.add(eventId);
    const visible = leadAccess(actor, p).visible();
    // A lead moved back before SIGNED loses signed_at; it no longer counts as signed at the event.
    const signedHere = `l.signed_at_event_id = el.event_id AND l.signed_at IS NOT NULL`;
    const rows: MatchmakingEventSummaryModel[] = await this.db.query(
      `SELECT count(*)::int AS "leadsPresented",
              count(*) FILTER (WHERE ${signedHere})::int AS "signedAtEvent",
              COALESCE(sum(l.investment_amount) FILTER (WHERE ${signedHere}), 0)::numeric(18, 2)::text AS "signedInvestment"
         FROM matchmaking_event_lead el JOIN lead l ON l.id = el.lead_id JOIN org_unit ou ON ou.id = l.owner_unit_id
        WHERE el.event_id = ${ev}::uuid AND ${visible}`,
      p.values,
    );
    return rows[0];
  }

  async addLead(tx: EntityManager, eventId: string, leadId: string, byId: string): Promise<boolean> {
    const rows: { n: number }[] = await tx.query(
      `WITH i AS (INSERT INTO matchmaking_event_lead (event_id, lead_id, added_by_id) VALUES ($1, $2, $3)
         ON CONFLICT (event_id, lead_id) DO NOTHING RETURNING lead_id)
       SELECT count(*)::int AS n FROM i`,
      [eventId, leadId, byId],
    );
    return rows[0].n > 0;
  }

  async removeLead(tx: EntityManager, eventId: string, leadId: string): Promise<boolean> {
    // A SELECT over the CTE: TypeORM answers a bare DELETE with [rows, count], not the rows.
    const rows: { n: number }[] = await tx.query(
      `WITH d AS (DELETE FROM matchmaking_event_lead WHERE event_id = $1 AND lead_id = $2 RETURNING lead_id)
       SELECT count(*)::int AS n FROM d`,
      [eventId, leadId],
    );
    return rows[0].n > 0;
  }

  /** The event the lead was signed at, if it is still signed (null otherwise). */
  async signedAtEventOf(tx: EntityManager, leadId: string): Promise<string | null> {
    const rows: { eventId: string | null }[] = await tx.query(
      `SELECT signed_at_event_id AS "eventId" FROM lead WHERE id = $1 AND signed_at IS NOT NULL`,
      [leadId],
    );
    return rows[0]?.eventId ?? null;
  }

  /** Records the event of a signing; the stage change itself went through LeadService. */
  async markSignedAt(tx: EntityManager, leadId: string, eventId: string): Promise<void> {
    await tx.query(`UPDATE lead SET signed_at_event_id = $2 WHERE id = $1`, [leadId, eventId]);
  }

  /** Event ids of several (already visible) leads that are signed at an event (DataLoader batch). */
  signedAtEventIds(leadIds: readonly string[]): Promise<{ leadId: string; eventId: string }[]> {
    return this.db.query(
      `SELECT id AS "leadId", signed_at_event_id AS "eventId" FROM lead
        WHERE id = ANY($1::uuid[]) AND signed_at_event_id IS NOT NULL AND signed_at IS NOT NULL`,
      [[...leadIds]],
    );
  }
}
