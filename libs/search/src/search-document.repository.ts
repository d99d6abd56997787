import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type SearchDocument, type SearchDocumentRow, buildSearchDocument } from './search-document';

/** A DataSource or a transaction's EntityManager (an outbox delivery reads through `delivery.manager`). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;

// The district is the second unit of the owner's path when that unit is a district (as the DISTRICT facet).
const SELECT = `SELECT l.id, l.code, l.title, l.investor_name AS "investorName", l.summary, l.description,
    l.industry_code AS "industryCode", ci.name_zh AS "industryZh", ci.name_en AS "industryEn",
    l.capital_source_code AS "capitalSourceCode", l.attraction_mode_codes AS "attractionModeCodes",
    l.stage::text AS stage, l.sharing_scope::text AS "sharingScope", l.owner_unit_id::text AS "ownerUnitId", ou.path AS "ownerPath",
    d.id::text AS "districtId",
    ARRAY(SELECT la.unit_id::text FROM lead_assignment la WHERE la.lead_id = l.id) AS "assignedUnitIds",
    ARRAY(SELECT u.path FROM lead_assignment la JOIN org_unit u ON u.id = la.unit_id WHERE la.lead_id = l.id) AS "assignedPaths",
    ARRAY(SELECT u.path FROM lead_referral r JOIN org_unit u ON u.id = r.to_unit_id
           WHERE r.lead_id = l.id AND r.status = 'PENDING') AS "pendingReferralPaths",
    l.investment_amount::float8 AS "investmentAmount", l.expected_landing_date::text AS "expectedLandingDate",
    ${ms('l.created_at')} AS "createdAt", ${ms('l.updated_at')} AS "updatedAt",
    ${ms('l.signed_at')} AS "signedAt", ${ms('l.landed_at')} AS "landedAt", l.version
  FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
  LEFT JOIN code_item ci ON ci.kind = 'INDUSTRY' AND ci.code = l.industry_code
  LEFT JOIN org_unit d ON d.path = '/' || split_part(ou.path, '/', 2) || '/' || split_part(ou.path, '/', 3) || '/' AND d.tier = 'DISTRICT'`;

/** Builds search documents from the current lead rows (all SQL of the external index lives here). */
@Injectable()
export class SearchDocumentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Documents of those leads that exist; a missing id is a deleted lead. */
  async byIds(ids: readonly string[], db: Queryable = this.db): Promise<SearchDocument[]> {
    if (ids.length === 0) return [];
    const rows: SearchDocumentRow[] = await db.query(`${SELECT} WHERE l.id = ANY($1::uuid[])`, [[...new Set(ids)]]);
    return rows.map(buildSearchDocument);
  }

  /** Every document in id order, a page at a time (keyset on id), for reindex and reconcile. */
  async *all(batchSize = 1000, db: Queryable = this.db): AsyncGenerator<SearchDocument[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: SearchDocumentRow[] = await db.query(`${SELECT} WHERE l.id > $1::uuid ORDER BY l.id LIMIT $2`, [after, batchSize]);
      if (rows.length === 0) return;
      yield rows.map(buildSearchDocument);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1].id;
    }
  }

  /** Leads updated at or after `since` (reindex catches up with changes made while it filled). */
  async updatedSince(since: Date, db: Queryable = this.db): Promise<string[]> {
    const rows: { id: string }[] = await db.query(`SELECT id FROM lead WHERE updated_at >= $1`, [since]);
    return rows.map((r) => r.id);
  }

  /** Leads whose audience depends on a unit's path (after an org unit moved): owner, assigned or pending receiver below it. */
  async leadIdsUnder(unitPath: string, db: Queryable = this.db): Promise<string[]> {
    const rows: { id: string }[] = await db.query(
      `SELECT l.id FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id WHERE ou.path LIKE $1 || '%'
       UNION SELECT la.lead_id FROM lead_assignment la JOIN org_unit u ON u.id = la.unit_id WHERE u.path LIKE $1 || '%'
       UNION SELECT r.lead_id FROM lead_referral r JOIN org_unit u ON u.id = r.to_unit_id WHERE r.status = 'PENDING' AND u.path LIKE $1 || '%'`,
      [unitPath],
    );
    return rows.map((r) => r.id);
  }

  /** Chinese labels of facet values: code items by kind and org units by id. */
  async labels(codes: { kind: string; codes: string[] }[], unitIds: string[], db: Queryable = this.db): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const wanted = codes.filter((c) => c.codes.length > 0);
    if (wanted.length > 0) {
      const rows: { kind: string; code: string; name: string }[] = await db.query(
        `SELECT ci.kind, ci.code, ci.name_zh AS name FROM code_item ci
           JOIN unnest($1::text[], $2::text[]) AS w(kind, code) ON w.kind = ci.kind AND w.code = ci.code`,
        [wanted.flatMap((c) => c.codes.map(() => c.kind)), wanted.flatMap((c) => c.codes)],
      );
      for (const r of rows) out.set(`${r.kind}:${r.code}`, r.name);
    }
    if (unitIds.length > 0) {
      const rows: { id: string; name: string }[] = await db.query(`SELECT id::text, name FROM org_unit WHERE id = ANY($1::uuid[])`, [unitIds]);
      for (const r of rows) out.set(`unit:${r.id}`, r.name);
    }
    return out;
  }
}
