import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search on plain PostgreSQL (and PGlite): no extension. A lead's searchable text becomes a set of
 * terms — lower-cased Latin/digit words, and overlapping bigrams of each CJK run plus the run's last
 * character (so a one-character prefix query `芯:*` reaches every occurrence) — kept in an
 * expression GIN index. The terms only narrow the candidates; a LIKE recheck decides exactness.
 */
export class LeadSearch1764460000000 implements MigrationInterface {
  name = 'LeadSearch1764460000000';

  async up(q: QueryRunner): Promise<void> {
    // PostgreSQL 17 (and PGlite) build indexes with search_path = pg_catalog: the index function must
    // name its helper with the schema.
    const rows: { s: string }[] = await q.query(`SELECT current_schema() AS s`);
    const schema = `"${rows[0].s.replace(/"/g, '""')}"`;
    // CJK Extension A, Unified Ideographs and Compatibility Ideographs: the characters titles use.
    await q.query(`
      CREATE FUNCTION zs_search_terms(t text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
        SELECT coalesce(array_agg(DISTINCT term), '{}'::text[]) FROM (
          SELECT CASE WHEN tok ~ '^[a-z0-9]' THEN tok
                      WHEN i < length(tok) THEN substr(tok, i, 2)
                      ELSE substr(tok, i, 1) END AS term
            FROM (SELECT m[1] AS tok FROM regexp_matches(lower(t), '([a-z0-9]+|[㐀-䶿一-鿿豈-﫿]+)', 'g') AS m) toks,
                 generate_series(1, CASE WHEN tok ~ '^[a-z0-9]' THEN 1 ELSE length(tok) END) AS i
        ) terms
      $fn$`);
    await q.query(`
      CREATE FUNCTION zs_search_tsv(code text, title text, investor text, summary text, description text)
      RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT array_to_tsvector(${schema}.zs_search_terms(concat_ws(' ', code, title, investor, summary, description)))
      $fn$`);
    // The same concatenation the LIKE recheck runs over; lower() matches the terms' case folding.
    await q.query(`
      CREATE FUNCTION zs_search_text(code text, title text, investor text, summary text, description text)
      RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT lower(concat_ws(' ', code, title, investor, summary, description))
      $fn$`);
    await q.query(
      `CREATE INDEX lead_search_terms ON lead USING gin (zs_search_tsv(code, title, investor_name, summary, description))`,
    );
    await q.query(`CREATE INDEX lead_search_industry ON lead (industry_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS lead_search_industry`);
    await q.query(`DROP INDEX IF EXISTS lead_search_terms`);
    await q.query(`DROP FUNCTION IF EXISTS zs_search_text(text, text, text, text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS zs_search_tsv(text, text, text, text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS zs_search_terms(text)`);
  }
}
