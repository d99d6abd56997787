import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, SortKeyType } from '@zs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { type LeadAccess, knownConflict, leadAccess } from './lead-visibility';
import { SqlParams } from './sql';
import { MAX_CODE_ATTEMPTS, randomLeadCode } from './domain/lead-code';
import type { FieldChange, LeadEntity, VisibleLead } from './lead.entity';
import type { LeadFields } from './lead-input.validator';
import { type LeadFilter, LeadOrderField, OrderDirection } from './dto/lead.input';

/** Entity property → column, for every column a caller may read. */
const COLUMNS: Record<string, string> = {
  id: 'id',
  code: 'code',
  title: 'title',
  summary: 'summary',
  description: 'description',
  industryCode: 'industry_code',
  capitalSourceCode: 'capital_source_code',
  attractionModeCodes: 'attraction_mode_codes',
  investorName: 'investor_name',
  investorNameNorm: 'investor_name_norm',
  investorUscc: 'investor_uscc',
  investorCountry: 'investor_country',
  investmentAmount: 'investment_amount',
  landAreaMu: 'land_area_mu',
  factoryAreaSqm: 'factory_area_sqm',
  expectedJobs: 'expected_jobs',
  expectedAnnualOutput: 'expected_annual_output',
  expectedAnnualTax: 'expected_annual_tax',
  expectedLandingDate: 'expected_landing_date',
  stage: 'stage',
  stageBeforeHold: 'stage_before_hold',
  lostReasonCode: 'lost_reason_code',
  sharingScope: 'sharing_scope',
  ownerUnitId: 'owner_unit_id',
  landingUnitId: 'landing_unit_id',
  contacts: 'contacts',
  version: 'version',
  createdByKind: 'created_by_kind',
  createdById: 'created_by_id',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  signedAt: 'signed_at',
  landedAt: 'landed_at',
};

/** Columns only the owner and assigned chains may read; others get NULL straight from the database. */
const SENSITIVE_COLUMNS = new Set(['investor_uscc', 'contacts']);

function selectList(detail: string | null): string {
  return Object.entries(COLUMNS)
    .map(([prop, col]) => {
      // node-postgres turns DATE into a local-time Date; the API wants the calendar date itself.
      if (col === 'expected_landing_date') return `to_char(l.${col}, 'YYYY-MM-DD') AS "${prop}"`;
      if (detail && SENSITIVE_COLUMNS.has(col)) return `CASE WHEN ${detail} THEN l.${col} END AS "${prop}"`;
      return `l.${col} AS "${prop}"`;
    })
    .join(', ');
}

const ORDER_EXPR: Record<LeadOrderField, { expr: string; cast: SortKeyType }> = {
  [LeadOrderField.CREATED_AT]: { expr: 'l.created_at', cast: 'timestamptz' },
  [LeadOrderField.UPDATED_AT]: { expr: 'l.updated_at', cast: 'timestamptz' },
  // Nulls sort as the smallest value so keyset comparisons stay total.
  [LeadOrderField.INVESTMENT_AMOUNT]: { expr: 'COALESCE(l.investment_amount, -1)', cast: 'numeric' },
  [LeadOrderField.EXPECTED_LANDING_DATE]: { expr: `COALESCE(l.expected_landing_date, DATE '1900-01-01')`, cast: 'date' },
};

/** The SQL type of a page order's sort key, so cursors can be checked before they reach SQL. */
export function sortKeyTypeOf(field: LeadOrderField): SortKeyType {
  return ORDER_EXPR[field].cast;
}

export interface LeadPageQuery {
  filter: LeadFilter;
  orderField: LeadOrderField;
  direction: OrderDirection;
  limit: number;
  after: [string, string] | null;
  /** Also count the filtered set (null total otherwise). */
  withTotal?: boolean;
}

/** A history row as loaded for one caller: `detail` says whether sensitive values may be shown. */
export interface HistoryRecord {
  id: string;
  leadId: string;
  action: string;
  actorKind: string;
  actorId: string | null;
  at: Date;
  changes: FieldChange[];
  note: string | null;
  detail: boolean;
  /** The unit of the user or API client who acted (its current unit); null for the system. */
  actorUnitId: string | null;
}

export interface NewLead extends LeadFields {
  title: string;
  industryCode: string;
  investorName: string;
  investorNameNorm: string;
  sharingScope: string;
  ownerUnitId: string;
  createdByKind: string;
  createdById: string;
}

@Injectable()
export class LeadRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 签约未落地 cutoff: signed before this and still SIGNED is flagged (SIGNED_NOT_LANDED_MONTHS). */
  signedNotLandedCutoff(now = new Date()): Date {
    const d = new Date(now);
    d.setUTCMonth(d.getUTCMonth() - this.config.signedNotLandedMonths);
    return d;
  }

  /**
   * The lead's columns plus what the caller may do with it. Reads are redacted in SQL; only the
   * locked row a write works on (never returned to the caller) carries the sensitive columns.
   */
  private accessColumns(a: LeadAccess, redact = true): string {
    return `${selectList(redact ? `(${a.detail()})` : null)}, ou.path AS "ownerPath", (${a.detail()}) AS detail,
      (${a.edit()}) AS "canEdit", (${a.ownerChainEdit()}) AS "ownerChainEdit", (${a.ownerChainManager()}) AS "ownerChainManager"`;
  }

  private async findVisibleBy(
    actor: Actor,
    column: 'id' | 'code',
    value: string,
    manager: EntityManager = this.db.manager,
    lock = false,
  ): Promise<VisibleLead | null> {
    const p = new SqlParams();
    const a = leadAccess(actor, p);
    const rows: VisibleLead[] = await manager.query(
      `SELECT ${this.accessColumns(a, !lock)} FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
        WHERE l.${column} = ${p.add(value)} AND ${a.visible()} ${lock ? 'FOR UPDATE OF l' : ''}`,
      p.values,
    );
    return rows[0] ?? null;
  }

  /** The lead if the caller may see it; otherwise null, exactly as for a lead that does not exist. */
  findVisible(actor: Actor, id: string, manager?: EntityManager): Promise<VisibleLead | null> {
    return this.findVisibleBy(actor, 'id', id, manager);
  }

  findVisibleByCode(actor: Actor, code: string): Promise<VisibleLead | null> {
    return this.findVisibleBy(actor, 'code', code);
  }

  /** Same as findVisible, and locks the row until the transaction ends (serialises writers). */
  lockVisible(actor: Actor, id: string, tx: EntityManager): Promise<VisibleLead | null> {
    return this.findVisibleBy(actor, 'id', id, tx, true);
  }

  /** Several leads by id, only those the caller may see (DataLoader batch; a relay batch reads through its transaction). */
  findVisibleByIds(actor: Actor, ids: readonly string[], manager: EntityManager = this.db.manager): Promise<VisibleLead[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const p = new SqlParams();
    const a = leadAccess(actor, p);
    return manager.query(
      `SELECT ${this.accessColumns(a)} FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
        WHERE l.id = ANY(${p.add([...ids])}::uuid[]) AND ${a.visible()}`,
      p.values,
    );
  }

  /** The visibility predicate and the LeadFilter as WHERE terms (also used by search). */
  filterSql(a: LeadAccess, filter: LeadFilter, p: SqlParams, actor: Actor): string[] {
    const where = [a.visible()];
    if (filter.stages?.length) where.push(`l.stage = ANY(${p.add(filter.stages)}::lead_stage[])`);
    if (filter.industryCodes?.length) where.push(`l.industry_code = ANY(${p.add(filter.industryCodes)}::text[])`);
    if (filter.capitalSourceCodes?.length) {
      where.push(`l.capital_source_code = ANY(${p.add(filter.capitalSourceCodes)}::text[])`);
    }
    if (filter.attractionModeCodes?.length) {
      where.push(`l.attraction_mode_codes && ${p.add(filter.attractionModeCodes)}::text[]`);
    }
    if (filter.ownerUnitIds?.length) {
      where.push(
        filter.includeDescendants
          ? `l.owner_unit_id IN (SELECT d.id FROM org_unit f JOIN org_unit d ON d.path LIKE f.path || '%' WHERE f.id = ANY(${p.add(filter.ownerUnitIds)}::uuid[]))`
          : `l.owner_unit_id = ANY(${p.add(filter.ownerUnitIds)}::uuid[])`,
      );
    }
    if (filter.sharingScopes?.length) where.push(`l.sharing_scope = ANY(${p.add(filter.sharingScopes)}::sharing_scope[])`);
    if (filter.investmentMin) where.push(`l.investment_amount >= ${p.add(filter.investmentMin)}::numeric`);
    if (filter.investmentMax) where.push(`l.investment_amount <= ${p.add(filter.investmentMax)}::numeric`);
    const range = (col: string, from?: Date | null, to?: Date | null) => {
      if (from) where.push(`l.${col} >= ${p.add(from)}::timestamptz`);
      if (to) where.push(`l.${col} < ${p.add(to)}::timestamptz`);
    };
    range('created_at', filter.createdFrom, filter.createdTo);
    range('signed_at', filter.signedFrom, filter.signedTo);
    range('landed_at', filter.landedFrom, filter.landedTo);
    if (filter.signedNotLanded !== null && filter.signedNotLanded !== undefined) {
      // signed_at < cutoff is a range on the lead_signed index; signed_at is null before SIGNED.
      const flagged = `(l.stage = 'SIGNED'::lead_stage AND l.signed_at IS NOT NULL AND l.signed_at < ${p.add(this.signedNotLandedCutoff())}::timestamptz)`;
      where.push(filter.signedNotLanded ? flagged : `NOT ${flagged}`);
    }
    if (filter.hasConflict !== null && filter.hasConflict !== undefined) {
      // Conflicts are news for the owner and assigned chains only; to anyone else every lead is conflict-free.
      const conflicted = `EXISTS (SELECT 1 FROM lead_conflict_member hm JOIN lead_conflict c ON c.id = hm.conflict_id
           WHERE hm.lead_id = l.id AND c.status = 'OPEN' AND ${knownConflict(actor, p, a.detail())})`;
      where.push(filter.hasConflict ? conflicted : `NOT ${conflicted}`);
    }
    if (filter.investorUscc) {
      // Only where the caller may read the USCC, or the filter would reveal it.
      where.push(`l.investor_uscc = ${p.add(filter.investorUscc.trim().toUpperCase())} AND ${a.detail()}`);
    }
    return where;
  }

  /** One page of visible leads (keyset on the sort key and id) and, when asked, the total of the filtered set. */
  async page(actor: Actor, q: LeadPageQuery): Promise<{ rows: VisibleLead[]; total: number | null }> {
    // The count uses only the filter's parameters; the page adds access columns and the keyset.
    const cp = new SqlParams();
    const where = this.filterSql(leadAccess(actor, cp), q.filter, cp, actor);
    // lead alone: the visibility predicates need no org_unit join, so the count can be index-only.
    const countSql = `SELECT count(*)::int AS n FROM lead l WHERE ${where.join(' AND ')}`;

    const p = new SqlParams();
    const a = leadAccess(actor, p);
    const pageWhere = this.filterSql(a, q.filter, p, actor);
    const { expr, cast } = ORDER_EXPR[q.orderField];
    const dir = q.direction === OrderDirection.ASC ? 'ASC' : 'DESC';
    if (q.after) {
      const cmp = dir === 'ASC' ? '>' : '<';
      pageWhere.push(`(${expr}, l.id) ${cmp} (${p.add(q.after[0])}::${cast}, ${p.add(q.after[1])}::uuid)`);
    }
    const sortCol = `(${expr})::text AS "sortKey"`;
    const pageSql = `SELECT ${this.accessColumns(a)}, ${sortCol} FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
      WHERE ${pageWhere.join(' AND ')} ORDER BY ${expr} ${dir}, l.id ${dir} LIMIT ${p.add(q.limit + 1)}`;

    const [rows, count] = await Promise.all([
      this.db.query(pageSql, p.values) as Promise<VisibleLead[]>,
      q.withTotal === false ? null : (this.db.query(countSql, cp.values) as Promise<{ n: number }[]>),
    ]);
    return { rows, total: count ? count[0].n : null };
  }

  /**
   * Inserts the lead under a fresh random code (randomLeadCode): a code already taken, also by a
   * concurrent insert, makes the INSERT a no-op (ON CONFLICT on lead_code_key, so the transaction
   * stays usable) and the next code is tried. `codes` replaces the draw in tests.
   */
  async insertWithCode(
    tx: EntityManager,
    lead: NewLead,
    year: number,
    codes: (attempt: number) => string = (attempt) => randomLeadCode(year, attempt),
  ): Promise<{ id: string; code: string }> {
    for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
      const code = codes(attempt);
      const id = randomUUID();
      const p = new SqlParams();
      const entries = Object.entries({ ...lead, code, id }).filter(([k]) => COLUMNS[k]);
      const cols = entries.map(([k]) => COLUMNS[k]);
      const vals = entries.map(([k, v]) => (k === 'contacts' ? `${p.add(JSON.stringify(v))}::jsonb` : p.add(v)));
      const rows: unknown[] = await tx.query(
        `INSERT INTO lead (${cols.join(', ')}) VALUES (${vals.join(', ')}) ON CONFLICT (code) DO NOTHING RETURNING id`,
        p.values,
      );
      if (rows.length === 1) return { id, code };
    }
    throw new Error(`No free lead code for ${year} after ${MAX_CODE_ATTEMPTS} attempts`);
  }

  /** Writes the given columns and bumps the version; the caller holds the row lock. */
  async update(tx: EntityManager, id: string, fields: Partial<Record<keyof LeadEntity, unknown>>): Promise<void> {
    const p = new SqlParams();
    const sets = Object.entries(fields)
      .filter(([k]) => COLUMNS[k] && k !== 'id')
      .map(([k, v]) => `${COLUMNS[k]} = ${k === 'contacts' ? `${p.add(JSON.stringify(v))}::jsonb` : p.add(v)}`);
    sets.push('version = version + 1', 'updated_at = now()');
    await tx.query(`UPDATE lead SET ${sets.join(', ')} WHERE id = ${p.add(id)}`, p.values);
  }

  async insertHistory(
    tx: EntityManager,
    leadId: string,
    action: string,
    actor: Actor | 'system',
    changes: FieldChange[],
    note: string | null = null,
    conflictId: string | null = null,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO lead_history (lead_id, action, actor_kind, actor_id, changes, note, conflict_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        leadId,
        action,
        actor === 'system' ? 'system' : actor.kind,
        actor === 'system' ? null : actor.id,
        JSON.stringify(changes),
        note,
        conflictId,
      ],
    );
  }

  /** The same entry (no field changes) on several leads in one statement. */
  async insertHistoryForLeads(
    tx: EntityManager,
    leadIds: string[],
    action: string,
    actor: Actor | 'system',
    note: string | null,
    conflictId: string | null,
  ): Promise<void> {
    if (leadIds.length === 0) return;
    await tx.query(
      `INSERT INTO lead_history (lead_id, action, actor_kind, actor_id, changes, note, conflict_id)
       SELECT id, $2, $3, $4, '[]'::jsonb, $5, $6 FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n) ORDER BY n`,
      [leadIds, action, actor === 'system' ? 'system' : actor.kind, actor === 'system' ? null : actor.id, note, conflictId],
    );
  }

  /**
   * History of several leads as the caller may read it, in one statement (DataLoader batch). Entries
   * follow the detail rule of what they describe: activities only for the owner and assigned chains,
   * conflict entries only where the conflict notice shows (knownConflict). API clients never learn
   * who acted (`actorId` null): partners get units, not people.
   */
  historyFor(actor: Actor, leadIds: readonly string[]): Promise<HistoryRecord[]> {
    const p = new SqlParams();
    const a = leadAccess(actor, p);
    const ids = p.add([...leadIds]);
    const detail = `(${a.detail()})`;
    const conflictKnown = knownConflict(actor, p, detail);
    const actorId = actor.kind === 'apiClient' ? 'NULL::uuid' : 'h.actor_id';
    return this.db.query(
      `SELECT h.id::text, h.lead_id AS "leadId", h.action, h.actor_kind AS "actorKind", ${actorId} AS "actorId", h.at, h.changes,
              h.note, ${detail} AS detail, COALESCE(hu.unit_id, hc.unit_id) AS "actorUnitId"
         FROM lead_history h JOIN lead l ON l.id = h.lead_id JOIN org_unit ou ON ou.id = l.owner_unit_id
         LEFT JOIN app_user hu ON h.actor_kind = 'user' AND hu.id = h.actor_id
         LEFT JOIN api_client hc ON h.actor_kind = 'apiClient' AND hc.id = h.actor_id
         LEFT JOIN lead_conflict c ON c.id = h.conflict_id
        WHERE h.lead_id = ANY(${ids}::uuid[])
          AND (h.action <> 'ACTIVITY_ADDED' OR ${detail})
          AND (h.action NOT IN ('CONFLICT_DETECTED', 'CONFLICT_RESOLVED') OR (c.id IS NOT NULL AND ${conflictKnown}))
        ORDER BY h.id`,
      p.values,
    );
  }

  /** Assigned unit ids of several leads in one statement (DataLoader batch). */
  assignedUnitIds(leadIds: readonly string[]): Promise<{ leadId: string; unitId: string }[]> {
    return this.db.query(
      `SELECT lead_id AS "leadId", unit_id AS "unitId" FROM lead_assignment
        WHERE lead_id = ANY($1::uuid[]) ORDER BY assigned_at, unit_id`,
      [[...leadIds]],
    );
  }

  async insertAssignment(tx: EntityManager, leadId: string, unitId: string, via: string, byId: string): Promise<void> {
    await tx.query(
      `INSERT INTO lead_assignment (lead_id, unit_id, via, assigned_by_id) VALUES ($1, $2, $3, $4)`,
      [leadId, unitId, via, byId],
    );
  }

  async isAssigned(tx: EntityManager, leadId: string, unitId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM lead_assignment WHERE lead_id = $1 AND unit_id = $2`, [
      leadId,
      unitId,
    ]);
    return rows.length > 0;
  }
}
