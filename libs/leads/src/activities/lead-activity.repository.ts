import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { newestFirstPage } from '../sql';
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
  pageForLead(leadId: string, limit: number, after: [string, string] | null): Promise<{ rows: LeadActivityEntity[]; total: number }> {
    return newestFirstPage<LeadActivityEntity>(this.db, {
      select: SELECT,
      from: `FROM lead_activity a WHERE a.lead_id = $1`,
      params: [leadId],
      timeColumn: 'a.occurred_at',
      idColumn: 'a.id',
      limit,
      after,
    });
  }

}
