import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { LeadActivityEntity, LeadActivityKind } from './lead-activity.entity';

const SELECT = `a.id, a.lead_id AS "leadId", a.kind, a.occurred_at AS "occurredAt", a.summary, a.participants,
  a.created_by_kind AS "createdByKind", a.created_by_id AS "createdById", a.created_at AS "createdAt"`;

@Injectable()
export class LeadActivityRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(
    tx: EntityManager,
    a: { leadId: string; kind: LeadActivityKind; occurredAt: Date; summary: string; participants: string[]; createdByKind: string; createdById: string },
  ): Promise<LeadActivityEntity> {
    const rows: LeadActivityEntity[] = await tx.query(
      `INSERT INTO lead_activity (lead_id, kind, occurred_at, summary, participants, created_by_kind, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, lead_id AS "leadId", kind, occurred_at AS "occurredAt", summary,
         participants, created_by_kind AS "createdByKind", created_by_id AS "createdById", created_at AS "createdAt"`,
      [a.leadId, a.kind, a.occurredAt, a.summary, a.participants, a.createdByKind, a.createdById],
    );
    return rows[0];
  }

  /** Newest first; the caller has already established that it may read this lead's activities. */
  async pageForLead(leadId: string, limit: number, after: [string, string] | null): Promise<{ rows: LeadActivityEntity[]; total: number }> {
    const params: unknown[] = [leadId, limit + 1];
    let keyset = '';
    if (after) {
      keyset = `AND (a.occurred_at, a.id) < ($3::timestamptz, $4::uuid)`;
      params.push(after[0], after[1]);
    }
    const [rows, count] = await Promise.all([
      this.db.query(
        `SELECT ${SELECT}, a.occurred_at::text AS "sortKey" FROM lead_activity a WHERE a.lead_id = $1 ${keyset}
          ORDER BY a.occurred_at DESC, a.id DESC LIMIT $2`,
        params,
      ) as Promise<LeadActivityEntity[]>,
      this.db.query(`SELECT count(*)::int AS n FROM lead_activity WHERE lead_id = $1`, [leadId]) as Promise<{ n: number }[]>,
    ]);
    return { rows, total: count[0].n };
  }
}
