import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '@zs/common';
import { newestFirstPage } from '@zs/leads';
import type { ExportAuditModel } from './export-audit.model';

@Injectable()
export class ExportAuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(actor: Actor, kind: string, filter: unknown, rows: number): Promise<void> {
    await this.db.query(`INSERT INTO export_audit (actor_kind, actor_id, kind, filter, rows) VALUES ($1, $2, $3, $4::jsonb, $5)`, [
      actor.kind,
      actor.id,
      kind,
      JSON.stringify(filter ?? {}),
      rows,
    ]);
  }

  page(limit: number, after: [string, string] | null): Promise<{ rows: (ExportAuditModel & { sortKey: string })[]; total: number }> {
    return newestFirstPage(this.db, {
      select: `a.id, a.actor_kind AS "actorKind", a.actor_id AS "actorId", a.kind, a.filter::text AS filter, a.rows, a.at`,
      from: `FROM export_audit a WHERE true`,
      params: [],
      timeColumn: 'a.at',
      idColumn: 'a.id',
      limit,
      after,
    });
  }
}
