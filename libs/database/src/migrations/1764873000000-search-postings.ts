import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Postings for the PostgreSQL search engine: one row per (index term, lead), carrying the lead's
 * visibility columns (owner_unit_id, sharing_scope, id — what leadAccess reads), its facet columns
 * and its RELEVANCE key, so a term's total, facets and top page are index-only scans of
 * lead_search_posting_term instead of one heap visit per matching lead. Term '' is every lead (the
 * empty query). Kept by a trigger in the writing transaction; cascades away with its lead.
 */
export class SearchPostings1764873000000 implements MigrationInterface {
  name = 'SearchPostings1764873000000';

  async up(q: QueryRunner): Promise<void> {
    const rows: { s: string }[] = await q.query(`SELECT current_schema() AS s`);
    const schema = `"${rows[0].s.replace(/"/g, '""')}"`;
    await q.query(`
      CREATE TABLE lead_search_posting (
        term text NOT NULL,
        id uuid NOT NULL REFERENCES lead (id) ON DELETE CASCADE,
        score smallint NOT NULL,
        updated_at timestamptz NOT NULL,
        owner_unit_id uuid NOT NULL,
        sharing_scope sharing_scope NOT NULL,
        stage lead_stage NOT NULL,
        industry_code varchar(40) NOT NULL,
        capital_source_code varchar(40),
        attraction_mode_codes text[] NOT NULL
      )`);
    // The score is pg-search.repository's RELEVANCE score for a query of that one term (the field
    // weights title 16, investor 8, summary 4, description 1): exact for a CJK bigram, the only
    // kind of term the engine reads postings for.
    await q.query(`
      CREATE FUNCTION zs_search_postings(code text, title text, investor text, summary text, description text)
      RETURNS TABLE (term text, score smallint)
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT t, (CASE WHEN t = ANY(${schema}.zs_search_terms(coalesce(title, ''))) THEN 16 ELSE 0 END
                 + CASE WHEN t = ANY(${schema}.zs_search_terms(coalesce(investor, ''))) THEN 8 ELSE 0 END
                 + CASE WHEN t = ANY(${schema}.zs_search_terms(coalesce(summary, ''))) THEN 4 ELSE 0 END
                 + CASE WHEN t = ANY(${schema}.zs_search_terms(coalesce(description, ''))) THEN 1 ELSE 0 END)::smallint
          FROM unnest(${schema}.zs_search_terms(concat_ws(' ', code, title, investor, summary, description))) AS t
        UNION ALL SELECT '', 0::smallint
      $fn$`);
    const insert = (l: string, from: string) => `
      INSERT INTO lead_search_posting (term, id, score, updated_at, owner_unit_id, sharing_scope, stage, industry_code, capital_source_code, attraction_mode_codes)
        SELECT p.term, ${l}.id, p.score, ${l}.updated_at, ${l}.owner_unit_id, ${l}.sharing_scope, ${l}.stage, ${l}.industry_code, ${l}.capital_source_code, ${l}.attraction_mode_codes
          FROM ${from}${schema}.zs_search_postings(${l}.code, ${l}.title, ${l}.investor_name, ${l}.summary, ${l}.description) AS p`;
    // Every lead write bumps updated_at (part of the RELEVANCE key), so every update rewrites the lead's postings.
    await q.query(`
      CREATE FUNCTION zs_lead_search_postings() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          DELETE FROM lead_search_posting WHERE id = OLD.id;
        END IF;
        ${insert('NEW', '')};
        RETURN NULL;
      END
      $fn$`);
    await q.query(`CREATE TRIGGER lead_search_postings AFTER INSERT OR UPDATE ON lead FOR EACH ROW EXECUTE FUNCTION zs_lead_search_postings()`);
    await q.query(insert('l', 'lead l, '));
    // Key: a term's rows in RELEVANCE order (its top page is the first rows read); the rest for index-only counts and facets.
    await q.query(`
      CREATE INDEX lead_search_posting_term ON lead_search_posting (term, score DESC, updated_at DESC, id DESC)
        INCLUDE (owner_unit_id, sharing_scope, stage, industry_code, capital_source_code, attraction_mode_codes)`);
    await q.query(`CREATE INDEX lead_search_posting_lead ON lead_search_posting (id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS lead_search_postings ON lead`);
    await q.query(`DROP FUNCTION IF EXISTS zs_lead_search_postings()`);
    await q.query(`DROP TABLE IF EXISTS lead_search_posting`);
    await q.query(`DROP FUNCTION IF EXISTS zs_search_postings(text, text, text, text, text)`);
  }
}
