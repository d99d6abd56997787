import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '@zs/common';
import { leadAccess } from '../lead-visibility';
import { SqlParams } from '../sql';
import { LeadStatsGroupBy, type LeadStatsRowModel } from './lead-stats.model';

@Injectable()
export class LeadStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Per unit of `groupBy` tier in the caller's subtree; a district's figures include its zones.
   * Only leads the caller may see are counted.
   */
  yearly(actor: Actor, year: number, groupBy: LeadStatsGroupBy): Promise<LeadStatsRowModel[]> {
    const p = new SqlParams();
    const visible = leadAccess(actor, p).visible();
    const start = `make_timestamptz(${p.add(year)}::int, 1, 1, 0, 0, 0, 'Asia/Shanghai')`;
    const end = `make_timestamptz(${p.add(year + 1)}::int, 1, 1, 0, 0, 0, 'Asia/Shanghai')`;
    const inYear = (col: string) => `l.${col} >= ${start} AND l.${col} < ${end}`;
    const belongs = groupBy === LeadStatsGroupBy.ZONE ? 'l.owner_unit_id = u.id' : `ou.path LIKE u.path || '%'`;
    return this.db.query(
      `SELECT u.id AS "unitId", ${p.add(year)}::int AS year,
              count(l.id) FILTER (WHERE ${inYear('created_at')})::int AS "newLeads",
              count(l.id) FILTER (WHERE ${inYear('signed_at')})::int AS signed,
              count(l.id) FILTER (WHERE ${inYear('landed_at')})::int AS landed,
              COALESCE(sum(l.investment_amount) FILTER (WHERE ${inYear('signed_at')}), 0)::numeric(18, 2)::text AS "signedInvestment",
              COALESCE(sum(l.expected_jobs) FILTER (WHERE ${inYear('signed_at')}), 0)::int AS "expectedJobs"
         FROM org_unit u
         LEFT JOIN (lead l JOIN org_unit ou ON ou.id = l.owner_unit_id) ON ${belongs} AND ${visible}
        WHERE u.tier = ${p.add(groupBy)}::org_tier AND u.path LIKE ${p.add(actor.unitPath)}::text || '%'
        GROUP BY u.id, u.code
        ORDER BY u.code`,
      p.values,
    );
  }
}
