import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@zs/common';
import { SqlParams, newestFirstPage } from '../sql';
import { knownConflict, leadAccess } from '../lead-visibility';
import type { ConflictMatch, ConflictResolution, ConflictStatus, LeadConflictEntity } from './conflict.entity';

const SELECT = `c.id, c.lead_a_id AS "leadAId", c.lead_b_id AS "leadBId", c.match, c.coordinating_unit_id AS "coordinatingUnitId",
  c.status, c.resolution, c.note, c.detected_at AS "detectedAt", c.resolved_at AS "resolvedAt", c.resolved_by_id AS "resolvedById"`;

export interface ConflictCandidate {
  id: string;
  ownerUnitId: string;
  ownerPath: string;
  match: ConflictMatch;
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

  /** Open leads of other units with the same USCC or normalised name. */
  // The column is char(18): compared with text it is cast per row and lead_uscc is never used.
  findCandidates(
    tx: EntityManager,
    leadId: string,
    ownerUnitId: string,
    nameNorm: string,
    uscc: string | null,
  ): Promise<ConflictCandidate[]> {
    return tx.query(
      `SELECT l.id, l.owner_unit_id AS "ownerUnitId", ou.path AS "ownerPath",
              CASE WHEN $4::text IS NOT NULL AND l.investor_uscc = $4::char(18) THEN 'USCC' ELSE 'NAME' END AS match
         FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
        WHERE l.id <> $1 AND l.owner_unit_id <> $2
          AND l.stage NOT IN ('LOST', 'OPERATING')
          AND (l.investor_name_norm = $3 OR ($4::text IS NOT NULL AND l.investor_uscc = $4::char(18)))`,
      [leadId, ownerUnitId, nameNorm, uscc],
    );
  }

  /** Records the pair once (ordered ids, unique index); returns the new id or null if it existed. */
  async insertIfAbsent(
    tx: EntityManager,
    leadX: string,
    leadY: string,
    match: ConflictMatch,
    coordinatingUnitId: string,
  ): Promise<string | null> {
    const [a, b] = leadX < leadY ? [leadX, leadY] : [leadY, leadX];
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO lead_conflict (lead_a_id, lead_b_id, match, coordinating_unit_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (lead_a_id, lead_b_id) DO NOTHING RETURNING id`,
      [a, b, match, coordinatingUnitId],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Conflicts of several leads in one statement (DataLoader batch), only those the caller may know
   * of on that lead: from its owner or assigned chain, and only when the other lead is visible too.
   */
  knownForLeads(actor: Actor, leadIds: readonly string[]): Promise<(LeadConflictEntity & { leadId: string })[]> {
    if (actor.kind !== 'user') return Promise.resolve([]);
    const p = new SqlParams();
    const ids = p.add([...leadIds]);
    const detail = `(${leadAccess(actor, p).detail()})`;
    return this.db.query(
      `SELECT ${SELECT}, l.id AS "leadId"
         FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
         JOIN lead_conflict c ON c.lead_a_id = l.id OR c.lead_b_id = l.id
        WHERE l.id = ANY(${ids}::uuid[]) AND ${knownConflict(actor, p, detail)}
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
        WHERE c.id = ${idParam}::uuid AND (cu.path LIKE ${path} || '%' OR EXISTS (SELECT 1 FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
          WHERE l.id IN (c.lead_a_id, c.lead_b_id) AND ${knownConflict(actor, p, detail)}))
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
