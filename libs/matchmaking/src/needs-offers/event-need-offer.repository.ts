import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventNeedOfferKind, NeedOfferRow } from './event-need-offer.entity';

const COLUMNS = `n.id, n.event_id AS "eventId", n.unit_id AS "unitId", n.kind, n.lead_id AS "leadId",
  n.industry_code AS "industryCode", n.land_area_mu::text AS "landAreaMu", n.floor_space_sqm::text AS "floorSpaceSqm",
  n.description, n.status, n.referral_id AS "referralId", n.answered_unit_id AS "answeredUnitId",
  n.answered_by_id AS "answeredById", n.answered_at AS "answeredAt", n.created_by_id AS "createdById",
  n.created_at AS "createdAt", n.updated_at AS "updatedAt", u.path AS "unitPath"`;

export interface NeedOfferValues {
  eventId: string;
  unitId: string;
  kind: EventNeedOfferKind;
  leadId: string | null;
  industryCode: string;
  landAreaMu: string | null;
  floorSpaceSqm: string | null;
  description: string;
}

@Injectable()
export class EventNeedOfferRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findById(id: string, manager: EntityManager = this.db.manager, lock = false): Promise<NeedOfferRow | null> {
    const rows: NeedOfferRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM event_need_offer n JOIN org_unit u ON u.id = n.unit_id
        WHERE n.id = $1 ${lock ? 'FOR UPDATE OF n' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Needs and offers of several events, newest first per event (DataLoader batch; events are readable by every user). */
  byEventIds(eventIds: readonly string[]): Promise<NeedOfferRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM event_need_offer n JOIN org_unit u ON u.id = n.unit_id
        WHERE n.event_id = ANY($1::uuid[]) ORDER BY n.event_id, n.created_at DESC, n.id DESC`,
      [[...eventIds]],
    );
  }

  async insert(tx: EntityManager, v: NeedOfferValues, createdById: string): Promise<string> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO event_need_offer (event_id, unit_id, kind, lead_id, industry_code, land_area_mu, floor_space_sqm,
         description, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6::numeric, $7::numeric, $8, $9) RETURNING id`,
      [v.eventId, v.unitId, v.kind, v.leadId, v.industryCode, v.landAreaMu, v.floorSpaceSqm, v.description, createdById],
    );
    return rows[0].id;
  }

  async markAnswered(tx: EntityManager, id: string, referralId: string, answeredUnitId: string, byId: string): Promise<void> {
    await tx.query(
      `UPDATE event_need_offer SET status = 'ANSWERED', referral_id = $2, answered_unit_id = $3, answered_by_id = $4,
         answered_at = now(), updated_at = now()
       WHERE id = $1`,
      [id, referralId, answeredUnitId, byId],
    );
  }

  async markWithdrawn(tx: EntityManager, id: string): Promise<void> {
    await tx.query(`UPDATE event_need_offer SET status = 'WITHDRAWN', updated_at = now() WHERE id = $1`, [id]);
  }
}
