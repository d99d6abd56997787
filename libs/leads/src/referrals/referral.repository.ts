import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { newestFirstPage } from '../sql';
import { ReferralDirection, type ReferralEntity, type ReferralStatus } from './referral.entity';

const SELECT = `r.id, r.lead_id AS "leadId", r.from_unit_id AS "fromUnitId", r.to_unit_id AS "toUnitId", r.status,
  r.note, r.response_note AS "responseNote", r.created_by_id AS "createdById", r.created_at AS "createdAt",
  r.responded_by_id AS "respondedById", r.responded_at AS "respondedAt"`;

@Injectable()
export class ReferralRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(
    tx: EntityManager,
    r: { leadId: string; fromUnitId: string; toUnitId: string; note: string | null; createdById: string },
  ): Promise<string> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO lead_referral (lead_id, from_unit_id, to_unit_id, note, created_by_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [r.leadId, r.fromUnitId, r.toUnitId, r.note, r.createdById],
    );
    return rows[0].id;
  }

  async findById(id: string, manager: EntityManager = this.db.manager): Promise<ReferralEntity | null> {
    const rows: ReferralEntity[] = await manager.query(`SELECT ${SELECT} FROM lead_referral r WHERE r.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * The referral if the unit at `path` is on either end of it (the receiving or the referring unit,
   * or above one of them), locked for the transaction; `receiver` and `referrer` say which end.
   */
  async lockKnownTo(
    tx: EntityManager,
    id: string,
    path: string,
  ): Promise<(ReferralEntity & { receiver: boolean; referrer: boolean }) | null> {
    const rows: (ReferralEntity & { receiver: boolean; referrer: boolean })[] = await tx.query(
      `SELECT ${SELECT}, tu.path LIKE $2::text || '%' AS receiver, fu.path LIKE $2::text || '%' AS referrer
         FROM lead_referral r JOIN org_unit tu ON tu.id = r.to_unit_id JOIN org_unit fu ON fu.id = r.from_unit_id
        WHERE r.id = $1 AND (tu.path LIKE $2::text || '%' OR fu.path LIKE $2::text || '%') FOR UPDATE OF r`,
      [id, path],
    );
    return rows[0] ?? null;
  }

  async answer(tx: EntityManager, id: string, status: ReferralStatus, note: string | null, byId: string): Promise<void> {
    await tx.query(
      `UPDATE lead_referral SET status = $2, response_note = $3, responded_by_id = $4, responded_at = now() WHERE id = $1`,
      [id, status, note, byId],
    );
  }

  pageForUnit(
    unitId: string,
    direction: ReferralDirection,
    status: ReferralStatus | null,
    limit: number,
    after: [string, string] | null,
  ): Promise<{ rows: ReferralEntity[]; total: number }> {
    const column = direction === ReferralDirection.INCOMING ? 'to_unit_id' : 'from_unit_id';
    return newestFirstPage<ReferralEntity>(this.db, {
      select: SELECT,
      from: `FROM lead_referral r WHERE r.${column} = $1 AND ($2::referral_status IS NULL OR r.status = $2::referral_status)`,
      params: [unitId, status],
      timeColumn: 'r.created_at',
      idColumn: 'r.id',
      limit,
      after,
    });
  }

  /** The referral if the unit at `path` is on either end of it (or above one), without a lock. */
  async findKnownTo(id: string, path: string): Promise<ReferralEntity | null> {
    const rows: ReferralEntity[] = await this.db.query(
      `SELECT ${SELECT}
         FROM lead_referral r JOIN org_unit tu ON tu.id = r.to_unit_id JOIN org_unit fu ON fu.id = r.from_unit_id
        WHERE r.id = $1 AND (tu.path LIKE $2::text || '%' OR fu.path LIKE $2::text || '%')`,
      [id, path],
    );
    return rows[0] ?? null;
  }

  /** The lead, locked, if its owner is the unit `unitId` or a unit below it (an offer made by that unit still holds). */
  async lockLeadOwnedUnder(tx: EntityManager, leadId: string, unitId: string): Promise<{ id: string; ownerUnitId: string } | null> {
    const rows: { id: string; ownerUnitId: string }[] = await tx.query(
      `SELECT l.id, l.owner_unit_id AS "ownerUnitId"
         FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id JOIN org_unit fu ON fu.id = $2
        WHERE l.id = $1 AND ou.path LIKE fu.path || '%' FOR UPDATE OF l`,
      [leadId, unitId],
    );
    return rows[0] ?? null;
  }
}
