import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@zs/common';
import { SqlParams, newestFirstPage } from '../sql';
import { conflictPeer, knownConflict, leadAccess } from '../lead-visibility';
import type { ConflictMatch, ConflictResolution, ConflictStatus, LeadConflictEntity } from './conflict.entity';

const SELECT = `c.id, c.match, c.coordinating_unit_id AS "coordinatingUnitId",
  c.status, c.resolution, c.note, c.detected_at AS "detectedAt", c.resolved_at AS "resolvedAt", c.resolved_by_id AS "resolvedById"`;

/** Where a lead's investor places it: the open cases of its cluster, and matching leads in none yet. */
export interface ConflictPlacement {
  /** Open cases holding a matching lead of another unit or the lead itself (`own`), oldest first. */
  cases: { id: string; coordinatorPath: string; match: ConflictMatch; own: boolean; candidateMatch: ConflictMatch | null }[];
  /** Open leads of other units with the investor that are in no open case and never were in one with the lead. */
  fresh: { id: string; ownerPath: string; match: ConflictMatch }[];
}

export interface KnownConflictRow extends LeadConflictEntity {
  /** The id the lead's notice shows: its member row's notice_id, stable through merges. */
  noticeId: string;
  leadId: string;
  leadPath: string;
  otherLeadIds: string[];
  otherPaths: string[];
  usccPeer: boolean;
}

@Injectable()
export class ConflictRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Serialises detection per investor: two units saving the same investor at the same moment
   * would otherwise each miss the other's uncommitted lead.
   */
  async lockInvestor(tx: EntityManager, nameNorm: string, uscc: string | null): Promise<void> {
    const keys = [`name:${nameNorm}`, ...(uscc ? [`uscc:${uscc}`] : [])].sort();
    for (const key of keys) await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
  }

  /**
   * One statement: the open leads of other units with the same USCC or normalised name, reduced to
   * the open cases they (or the lead itself) belong to, plus those in no open case. Reads the
   * cluster's leads through the investor indexes; what is written afterwards does not depend on its size.
   */
  // The column is char(18): compared with text it is cast per row and lead_uscc is never used.
  async findPlacement(
    tx: EntityManager,
    leadId: string,
    ownerUnitId: string,
    nameNorm: string,
    uscc: string | null,
  ): Promise<ConflictPlacement> {
    const rows: { kind: 'case' | 'fresh'; id: string; path: string; match: ConflictMatch; own: boolean; candidateMatch: ConflictMatch | null }[] =
      await tx.query(
        `WITH cand AS (
           SELECT l.id, ou.path,
                  CASE WHEN $4::text IS NOT NULL AND l.investor_uscc = $4::char(18) THEN 'USCC' ELSE 'NAME' END AS match
             FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
            WHERE l.id <> $1 AND l.owner_unit_id <> $2
              AND l.stage NOT IN ('LOST', 'OPERATING')
              AND (l.investor_name_norm = $3 OR ($4::text IS NOT NULL AND l.investor_uscc = $4::char(18)))),
         -- Every open case of every candidate: should a race ever have put a lead in two, this save merges them.
         placed AS (
           SELECT cand.id, m.conflict_id AS case_id, cand.match
             FROM cand JOIN lead_conflict_member m ON m.lead_id = cand.id
             JOIN lead_conflict c ON c.id = m.conflict_id AND c.status = 'OPEN'),
         cases AS (
           SELECT case_id, CASE WHEN bool_or(match = 'USCC') THEN 'USCC' ELSE 'NAME' END AS match, false AS own
             FROM placed GROUP BY case_id
           UNION ALL
           SELECT m.conflict_id, NULL, true FROM lead_conflict_member m JOIN lead_conflict c ON c.id = m.conflict_id
            WHERE m.lead_id = $1 AND c.status = 'OPEN')
         SELECT 'case' AS kind, c.id, cu.path, c.match::text AS match, bool_or(x.own) AS own, max(x.match) AS "candidateMatch", c.detected_at
           FROM cases x JOIN lead_conflict c ON c.id = x.case_id JOIN org_unit cu ON cu.id = c.coordinating_unit_id
          GROUP BY c.id, cu.path, c.match, c.detected_at
         UNION ALL
         SELECT 'fresh', cand.id, cand.path, cand.match, false, NULL, NULL FROM cand
          WHERE NOT EXISTS (SELECT 1 FROM placed WHERE placed.id = cand.id) AND NOT EXISTS (
            SELECT 1 FROM lead_conflict_member a JOIN lead_conflict_member b ON b.conflict_id = a.conflict_id
             WHERE a.lead_id = $1 AND b.lead_id = cand.id)
          ORDER BY kind, detected_at, id`,
        [leadId, ownerUnitId, nameNorm, uscc],
      );
    return {
      cases: rows
        .filter((r) => r.kind === 'case')
        .map((r) => ({ id: r.id, coordinatorPath: r.path, match: r.match, own: r.own, candidateMatch: r.candidateMatch })),
      fresh: rows.filter((r) => r.kind === 'fresh').map((r) => ({ id: r.id, ownerPath: r.path, match: r.match })),
    };
  }

  /**
   * Locks open cases for the saving transaction, in id order (no deadlock between two savers), and
   * returns their current coordinating unit and match. A case a concurrent save merged away is
   * missing: the caller places the lead again.
   */
  lockCases(tx: EntityManager, ids: string[]): Promise<{ id: string; coordinatorPath: string; match: ConflictMatch }[]> {
    return tx.query(
      `SELECT c.id, cu.path AS "coordinatorPath", c.match FROM lead_conflict c JOIN org_unit cu ON cu.id = c.coordinating_unit_id
        WHERE c.id = ANY($1::uuid[]) AND c.status = 'OPEN' ORDER BY c.id FOR UPDATE OF c`,
      [ids],
    );
  }

  async createCase(tx: EntityManager, match: ConflictMatch, coordinatingUnitId: string): Promise<string> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO lead_conflict (match, coordinating_unit_id) VALUES ($1, $2) RETURNING id`,
      [match, coordinatingUnitId],
    );
    return rows[0].id;
  }

  /** Adds leads to a case in one statement; returns the ids that were not members yet. */
  async addMembers(tx: EntityManager, conflictId: string, members: { leadId: string; match: ConflictMatch }[]): Promise<string[]> {
    if (members.length === 0) return [];
    const rows: { leadId: string }[] = await tx.query(
      `INSERT INTO lead_conflict_member (conflict_id, lead_id, match, notice_id)
       SELECT $1, m.lead_id, m.match::conflict_match, $1 FROM unnest($2::uuid[], $3::text[]) AS m(lead_id, match)
       ON CONFLICT (conflict_id, lead_id) DO NOTHING RETURNING lead_id AS "leadId"`,
      [conflictId, members.map((m) => m.leadId), members.map((m) => m.match)],
    );
    return rows.map((r) => r.leadId);
  }

  /**
   * A lead linked open cases: their members and history entries move to the oldest (`into`), the
   * others are deleted. Rare, and it reduces the rows of the cluster.
   */
  async merge(tx: EntityManager, into: string, merged: string[]): Promise<void> {
    await tx.query(
      `INSERT INTO lead_conflict_member (conflict_id, lead_id, match, joined_at, notice_id)
       SELECT $1, lead_id, match, joined_at, notice_id FROM lead_conflict_member WHERE conflict_id = ANY($2::uuid[])
       ON CONFLICT (conflict_id, lead_id) DO NOTHING`,
      [into, merged],
    );
    await tx.query(`UPDATE lead_history SET conflict_id = $1 WHERE conflict_id = ANY($2::uuid[])`, [into, merged]);
    await tx.query(`DELETE FROM lead_conflict WHERE id = ANY($1::uuid[])`, [merged]);
  }

  async updateCase(tx: EntityManager, id: string, coordinatingUnitId: string, match: ConflictMatch): Promise<void> {
    await tx.query(`UPDATE lead_conflict SET coordinating_unit_id = $2, match = $3 WHERE id = $1`, [id, coordinatingUnitId, match]);
  }

  /** Member lead ids of several cases, first joined first (DataLoader batch). */
  membersOf(conflictIds: readonly string[], manager: EntityManager = this.db.manager): Promise<{ conflictId: string; leadId: string }[]> {
    return manager.query(
      `SELECT conflict_id AS "conflictId", lead_id AS "leadId" FROM lead_conflict_member
        WHERE conflict_id = ANY($1::uuid[]) ORDER BY joined_at, lead_id`,
      [[...conflictIds]],
    );
  }

  /**
   * Conflicts of several leads in one statement (DataLoader batch), only those the caller may know
   * of on that lead (knownConflict), each with the peers the caller may see there (conflictPeer).
   */
  knownForLeads(actor: Actor, leadIds: readonly string[]): Promise<KnownConflictRow[]> {
    if (actor.kind !== 'user') return Promise.resolve([]);
    const p = new SqlParams();
    const ids = p.add([...leadIds]);
    const detail = `(${leadAccess(actor, p).detail()})`;
    return this.db.query(
      `SELECT ${SELECT}, m.notice_id AS "noticeId", l.id AS "leadId", ou.path AS "leadPath",
              array_agg(cl.id ORDER BY pm.joined_at, cl.id) AS "otherLeadIds", array_agg(clu.path ORDER BY pm.joined_at, cl.id) AS "otherPaths",
              bool_or(l.investor_uscc IS NOT NULL AND cl.investor_uscc = l.investor_uscc) AS "usccPeer"
         FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
         JOIN lead_conflict_member m ON m.lead_id = l.id JOIN lead_conflict c ON c.id = m.conflict_id
         JOIN lead_conflict_member pm ON pm.conflict_id = c.id AND pm.lead_id <> l.id
         JOIN lead cl ON cl.id = pm.lead_id JOIN org_unit clu ON clu.id = cl.owner_unit_id
        WHERE l.id = ANY(${ids}::uuid[]) AND ${detail} AND ${conflictPeer(actor, p)}
        GROUP BY c.id, m.notice_id, l.id, ou.path
        ORDER BY c.detected_at, c.id`,
      p.values,
    );
  }

  /** Conflicts coordinated by the unit at `path` or any unit below it. */
  pageForCoordinator(
    path: string,
    status: ConflictStatus | null,
    limit: number,
    after: [string, string] | null,
  ): Promise<{ rows: LeadConflictEntity[]; total: number }> {
    return newestFirstPage<LeadConflictEntity>(this.db, {
      select: SELECT,
      from: `FROM lead_conflict c JOIN org_unit cu ON cu.id = c.coordinating_unit_id
        WHERE cu.path LIKE $1::text || '%' AND ($2::conflict_status IS NULL OR c.status = $2::conflict_status)`,
      params: [path, status],
      timeColumn: 'c.detected_at',
      idColumn: 'c.id',
      limit,
      after,
    });
  }


  /**
   * The conflict as the calling user knows it, locked for the transaction: `coordinator` when their
   * unit coordinates it (or is above the coordinator); otherwise only where its notice shows on one
   * of its leads (knownConflict). Anyone else gets null, exactly as for a conflict that does not exist.
   */
  async lockKnownTo(tx: EntityManager, id: string, actor: Actor): Promise<(LeadConflictEntity & { coordinator: boolean }) | null> {
    const p = new SqlParams();
    const idParam = p.add(id);
    const path = `${p.add(actor.unitPath)}::text`;
    const detail = `(${leadAccess(actor, p).detail()})`;
    const rows: (LeadConflictEntity & { coordinator: boolean })[] = await tx.query(
      `SELECT ${SELECT}, cu.path LIKE ${path} || '%' AS coordinator
         FROM lead_conflict c JOIN org_unit cu ON cu.id = c.coordinating_unit_id
        WHERE (c.id = ${idParam}::uuid OR c.id IN (SELECT nm.conflict_id FROM lead_conflict_member nm WHERE nm.notice_id = ${idParam}::uuid))
          AND (cu.path LIKE ${path} || '%' OR EXISTS (SELECT 1 FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
          WHERE l.id IN (SELECT km.lead_id FROM lead_conflict_member km WHERE km.conflict_id = c.id) AND ${knownConflict(actor, p, detail)}))
        FOR UPDATE OF c`,
      p.values,
    );
    return rows[0] ?? null;
  }

  async resolve(
    tx: EntityManager,
    id: string,
    resolution: ConflictResolution,
    note: string | null,
    byId: string,
  ): Promise<void> {
    await tx.query(
      `UPDATE lead_conflict SET status = 'RESOLVED', resolution = $2, note = $3, resolved_at = now(), resolved_by_id = $4
        WHERE id = $1`,
      [id, resolution, note, byId],
    );
  }

  async findById(id: string, manager: EntityManager = this.db.manager): Promise<LeadConflictEntity | null> {
    const rows: LeadConflictEntity[] = await manager.query(`SELECT ${SELECT} FROM lead_conflict c WHERE c.id = $1`, [id]);
    return rows[0] ?? null;
  }
}
