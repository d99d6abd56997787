import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LeadRepository } from '../lead.repository';
import type { Actor } from '@zs/common';
import { leadAccess } from '../lead-visibility';
import { SqlParams } from '../sql';
import { LeadStatsAttribution, LeadStatsGroupBy, type LeadStatsRowModel } from './lead-stats.model';

@Injectable()
export class LeadStatsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly leads: LeadRepository,
  ) {}

  /**
   * Per unit of `groupBy` tier in the caller's subtree; a district's figures include its zones.
   * Only leads the caller may see are counted.
   */
  yearly(
    actor: Actor,
    year: number,
    groupBy: LeadStatsGroupBy,
    attribution: LeadStatsAttribution = LeadStatsAttribution.OWNER,
  ): Promise<LeadStatsRowModel[]> {
    const p = new SqlParams();
    const visible = leadAccess(actor, p).visible();
    // Constant bounds (Asia/Shanghai is UTC+8 without DST): no time-zone function evaluated per row.
    const start = `${p.add(`${year}-01-01T00:00:00+08:00`)}::timestamptz`;
    const end = `${p.add(`${year + 1}-01-01T00:00:00+08:00`)}::timestamptz`;
    const inYear = (col: string) => `l.${col} >= ${start} AND l.${col} < ${end}`;
    // Aggregate the year's leads per owner unit once (MATERIALIZED: never re-run per grouping unit),
    // then roll the few owner rows up through the small org tree.
    // Only leads owned inside the caller's subtree can belong to one of its units.
    const subtree = `${p.add(actor.unitPath)}::text || '%'`;
    const belongs = groupBy === LeadStatsGroupBy.ZONE ? 'o.unit_id = u.id' : `o.path LIKE u.path || '%'`;
    // LANDING_ZONE: landings counted where they landed (a lead found by one unit often lands in another).
    const byZone = attribution === LeadStatsAttribution.LANDING_ZONE;
    const ldBelongs = groupBy === LeadStatsGroupBy.ZONE ? 'ld.unit_id = u.id' : `ld.path LIKE u.path || '%'`;
    const landingCte = byZone
      ? `, ld AS MATERIALIZED (
         SELECT l.landing_unit_id AS unit_id, lu.path, count(*) AS landed, sum(l.investment_amount) AS landed_investment
           FROM lead l JOIN org_unit lu ON lu.id = l.landing_unit_id
          WHERE lu.path LIKE ${subtree} AND ${inYear('landed_at')} AND ${visible}
          GROUP BY l.landing_unit_id, lu.path)`
      : '';
    const landed = byZone
      ? `(SELECT COALESCE(sum(ld.landed), 0) FROM ld WHERE ${ldBelongs})::int`
      : 'COALESCE(sum(o.landed), 0)::int';
    const landedInvestment = byZone
      ? `(SELECT COALESCE(sum(ld.landed_investment), 0) FROM ld WHERE ${ldBelongs})::numeric(18, 2)::text`
      : 'COALESCE(sum(o.landed_investment), 0)::numeric(18, 2)::text';
    // 签约未落地 by owner unit: the leads filter's rule (LeadRepository), a range on the lead_signed index.
    const watchCte = `, snl AS MATERIALIZED (
         SELECT ou.path, count(*) AS n
           FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
          WHERE ou.path LIKE ${subtree} AND l.stage = 'SIGNED'::lead_stage AND l.signed_at IS NOT NULL
            AND l.signed_at < ${p.add(this.leads.signedNotLandedCutoff())}::timestamptz AND ${visible}
          GROUP BY ou.path)`;
    const snlBelongs = groupBy === LeadStatsGroupBy.ZONE ? 'snl.path = u.path' : `snl.path LIKE u.path || '%'`;
    return this.db.query(
      `WITH o AS MATERIALIZED (
         SELECT l.owner_unit_id AS unit_id,
                count(*) FILTER (WHERE ${inYear('created_at')}) AS new_leads,
                count(*) FILTER (WHERE ${inYear('signed_at')}) AS signed,
                count(*) FILTER (WHERE ${inYear('landed_at')}) AS landed,
                sum(l.investment_amount) FILTER (WHERE ${inYear('signed_at')}) AS investment,
                sum(l.investment_amount) FILTER (WHERE ${inYear('landed_at')}) AS landed_investment,
                sum(l.expected_jobs) FILTER (WHERE ${inYear('signed_at')}) AS jobs
           FROM lead l
          WHERE l.owner_unit_id IN (SELECT s.id FROM org_unit s WHERE s.path LIKE ${subtree}) AND ((${inYear('created_at')}) OR (${inYear('signed_at')}) OR (${inYear('landed_at')})) AND ${visible}
          GROUP BY l.owner_unit_id),
       op AS (SELECT o.*, ou.path FROM o JOIN org_unit ou ON ou.id = o.unit_id)${landingCte}${watchCte}
       SELECT u.id AS "unitId", ${p.add(year)}::int AS year,
              COALESCE(sum(o.new_leads), 0)::int AS "newLeads",
              COALESCE(sum(o.signed), 0)::int AS signed,
              ${landed} AS landed,
              COALESCE(sum(o.investment), 0)::numeric(18, 2)::text AS "signedInvestment",
              ${landedInvestment} AS "landedInvestment",
              COALESCE(sum(o.jobs), 0)::int AS "expectedJobs",
              (SELECT COALESCE(sum(snl.n), 0) FROM snl WHERE ${snlBelongs})::int AS "signedNotLanded"
         FROM org_unit u
         LEFT JOIN op o ON ${belongs}
        WHERE u.tier = ${p.add(groupBy)}::org_tier AND u.path LIKE ${subtree}
        GROUP BY u.id, u.code
        ORDER BY u.code`,
      p.values,
    );
  }
}
