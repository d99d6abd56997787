import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '@zs/common';
import { DomainEventType, markOutboxAppended } from '@zs/outbox';
import type { FieldChange } from './lead.entity';
import type { NewLead } from './lead.repository';

/** Columns a new lead sets (snake_case JSON keys of jsonb_to_recordset) and their record types. */
const INSERT_COLUMNS: [keyof NewLead | 'id' | 'code', string, string][] = [
  ['id', 'id', 'uuid'],
  ['code', 'code', 'text'],
  ['title', 'title', 'text'],
  ['summary', 'summary', 'text'],
  ['description', 'description', 'text'],
  ['industryCode', 'industry_code', 'text'],
  ['capitalSourceCode', 'capital_source_code', 'text'],
  ['attractionModeCodes', 'attraction_mode_codes', 'text[]'],
  ['investorName', 'investor_name', 'text'],
  ['investorNameNorm', 'investor_name_norm', 'text'],
  ['investorUscc', 'investor_uscc', 'text'],
  ['investorCountry', 'investor_country', 'text'],
  ['investmentAmount', 'investment_amount', 'numeric'],
  ['landAreaMu', 'land_area_mu', 'numeric'],
  ['factoryAreaSqm', 'factory_area_sqm', 'numeric'],
  ['expectedJobs', 'expected_jobs', 'integer'],
  ['expectedAnnualOutput', 'expected_annual_output', 'numeric'],
  ['expectedAnnualTax', 'expected_annual_tax', 'numeric'],
  ['expectedLandingDate', 'expected_landing_date', 'date'],
  ['sharingScope', 'sharing_scope', 'sharing_scope'],
  ['ownerUnitId', 'owner_unit_id', 'uuid'],
  ['contacts', 'contacts', 'jsonb'],
  ['createdByKind', 'created_by_kind', 'text'],
  ['createdById', 'created_by_id', 'uuid'],
];

/**
 * Multi-row statements of the batch create path (LeadBatchCreateService): one statement per table
 * per chunk instead of one per row. Rows are passed as one JSON document or as parallel arrays, so a
 * chunk of thousands of rows stays far below PostgreSQL's 65,535 bind parameters.
 */
@Injectable()
export class LeadBatchRepository {
  /** createLead's per-investor advisory locks (ConflictRepository.lockInvestor) for a whole chunk, in one sorted order. */
  async lockInvestors(tx: EntityManager, keys: string[]): Promise<void> {
    // Sorted like lockInvestor's keys ("name:" before "uscc:"): no deadlock with a concurrent createLead or batch.
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return;
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))::text FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`,
      [sorted],
    );
  }

  /** Inserts the leads; a code already taken makes that row a no-op (ON CONFLICT). Returns the ids inserted. */
  async insertLeads(tx: EntityManager, leads: (NewLead & { id: string; code: string })[]): Promise<Set<string>> {
    const doc = leads.map((l) => {
      const o: Record<string, unknown> = {};
      for (const [prop, col] of INSERT_COLUMNS) o[col] = (l as unknown as Record<string, unknown>)[prop] ?? null;
      return o;
    });
    const cols = INSERT_COLUMNS.map(([, c]) => c).join(', ');
    const types = INSERT_COLUMNS.map(([, c, t]) => `${c} ${t}`).join(', ');
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO lead (${cols}) SELECT ${cols} FROM jsonb_to_recordset($1::jsonb) AS r(${types})
       ON CONFLICT (code) DO NOTHING RETURNING id`,
      [JSON.stringify(doc)],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** One CREATED history entry per lead, in the given order. */
  async insertCreatedHistory(tx: EntityManager, actor: Actor, entries: { leadId: string; changes: FieldChange[] }[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO lead_history (lead_id, action, actor_kind, actor_id, changes)
       SELECT l, 'CREATED', $3, $4, c::jsonb FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS t(l, c, n) ORDER BY n`,
      [entries.map((e) => e.leadId), entries.map((e) => JSON.stringify(e.changes)), actor.kind, actor.id],
    );
  }

  /** One lead.created outbox event per lead (OutboxService.record's row), in the transaction of the leads. */
  async insertCreatedEvents(tx: EntityManager, actor: Actor, events: { leadId: string; payload: Record<string, unknown> }[]): Promise<void> {
    if (events.length === 0) return;
    await tx.query(
      `INSERT INTO outbox_event (type, lead_id, actor_kind, actor_id, payload)
       SELECT $1, l, $4, $5, p::jsonb FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS t(l, p, n) ORDER BY n`,
      [DomainEventType.LeadCreated, events.map((e) => e.leadId), events.map((e) => JSON.stringify(e.payload)), actor.kind, actor.id],
    );
    // Wakes the relay on commit, as OutboxRepository.append does.
    markOutboxAppended(tx.queryRunner);
  }

  /**
   * Which subjects (by index) have an open lead of another unit with their normalised name or USCC:
   * findPlacement's candidates. Only those can join a conflict case; for the others createLead's
   * detection writes nothing.
   */
  async withCandidates(tx: EntityManager, ownerUnitId: string, subjects: { nameNorm: string; uscc: string | null }[]): Promise<number[]> {
    if (subjects.length === 0) return [];
    const rows: { n: string }[] = await tx.query(
      `SELECT (r.n - 1)::int AS n FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS r(name, uscc, n)
        WHERE EXISTS (SELECT 1 FROM lead l WHERE l.owner_unit_id <> $1 AND l.stage NOT IN ('LOST', 'OPERATING')
                         AND l.investor_name_norm = r.name)
           OR (r.uscc IS NOT NULL AND EXISTS (SELECT 1 FROM lead l WHERE l.owner_unit_id <> $1
                         AND l.stage NOT IN ('LOST', 'OPERATING') AND l.investor_uscc = r.uscc::char(18)))
        ORDER BY r.n`,
      [ownerUnitId, subjects.map((s) => s.nameNorm), subjects.map((s) => s.uscc)],
    );
    return rows.map((r) => Number(r.n));
  }
}
