import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@zs/common';
import { LeadRepository, LeadStatsGroupBy, SqlParams, leadAccess } from '@zs/leads';
import type { TargetValues } from './unit-target.entity';
import type { UnitTargetModel, UnitTargetRevisionModel } from './unit-target.model';
import { signedNotLandedFilter } from './signed-not-landed';

const TARGET_COLUMNS = `unit_id AS "unitId", year::int AS year, signed_count AS "signedCount", signed_investment::text AS "signedInvestment",
  landed_count AS "landedCount", landed_investment::text AS "landedInvestment", version, updated_at AS "updatedAt"`;

@Injectable()
export class UnitTargetRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly leads: LeadRepository,
  ) {}

  forUnits(unitIds: readonly string[], year: number): Promise<UnitTargetModel[]> {
    return this.db.query(`SELECT ${TARGET_COLUMNS} FROM unit_target WHERE unit_id = ANY($1::uuid[]) AND year = $2`, [
      [...unitIds],
      year,
    ]);
  }

  /** Inserts or replaces the unit's targets for the year (version + 1) and records the revision. */
  async set(tx: EntityManager, unitId: string, year: number, v: TargetValues, actor: Actor): Promise<UnitTargetModel> {
    const rows: UnitTargetModel[] = await tx.query(
      `INSERT INTO unit_target AS t (unit_id, year, signed_count, signed_investment, landed_count, landed_investment, updated_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (unit_id, year) DO UPDATE SET signed_count = EXCLUDED.signed_count, signed_investment = EXCLUDED.signed_investment,
         landed_count = EXCLUDED.landed_count, landed_investment = EXCLUDED.landed_investment,
         updated_by_id = EXCLUDED.updated_by_id, updated_at = now(), version = t.version + 1
       RETURNING ${TARGET_COLUMNS}`,
      [unitId, year, v.signedCount, v.signedInvestment, v.landedCount, v.landedInvestment, actor.id],
    );
    await tx.query(
      `INSERT INTO unit_target_history (unit_id, year, signed_count, signed_investment, landed_count, landed_investment, set_by_id, set_by_unit_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [unitId, year, v.signedCount, v.signedInvestment, v.landedCount, v.landedInvestment, actor.id, actor.unitId],
    );
    return rows[0];
  }

  history(unitId: string, year: number): Promise<UnitTargetRevisionModel[]> {
    return this.db.query(
      `SELECT id::text, signed_count AS "signedCount", signed_investment::text AS "signedInvestment", landed_count AS "landedCount",
              landed_investment::text AS "landedInvestment", set_at AS "setAt", set_by_unit_id AS "setByUnitId"
         FROM unit_target_history WHERE unit_id = $1 AND year = $2 ORDER BY id`,
      [unitId, year],
    );
  }

  /**
   * 签约未落地 per unit of the tier (a district counts its zones), over the leads the caller may see:
   * the WHERE terms are LeadRepository.filterSql of the watch filter, the same as the `leads` list.
   */
  async signedNotLandedCounts(actor: Actor, cutoff: Date, groupBy: LeadStatsGroupBy): Promise<Map<string, number>> {
    const p = new SqlParams();
    const where = this.leads.filterSql(leadAccess(actor, p), signedNotLandedFilter(cutoff), p, actor);
    const subtree = `${p.add(actor.unitPath)}::text || '%'`;
    const belongs = groupBy === LeadStatsGroupBy.ZONE ? 'o.unit_id = u.id' : `o.path LIKE u.path || '%'`;
    const rows: { unitId: string; n: number }[] = await this.db.query(
      `WITH o AS MATERIALIZED (
         SELECT l.owner_unit_id AS unit_id, ou.path, count(*) AS n
           FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
          WHERE ${where.join(' AND ')} AND ou.path LIKE ${subtree}
          GROUP BY l.owner_unit_id, ou.path)
       SELECT u.id AS "unitId", COALESCE(sum(o.n), 0)::int AS n
         FROM org_unit u LEFT JOIN o ON ${belongs}
        WHERE u.tier = ${p.add(groupBy)}::org_tier AND u.path LIKE ${subtree}
        GROUP BY u.id`,
      p.values,
    );
    return new Map(rows.map((r) => [r.unitId, r.n]));
  }
}
