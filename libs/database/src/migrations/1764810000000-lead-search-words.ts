import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Latin vocabulary of the leads (title, investor name, summary, description), for the
 * PostgreSQL engine's typo pass: a Latin query word that matches nothing is compared (bounded edit
 * distance, in the service) with the words of similar length here. Words are added by a trigger
 * and never removed: a word whose leads are gone only costs a second search that finds nothing.
 * No extension (fuzzystrmatch is in neither PGlite nor every Debian install's defaults).
 */
export class LeadSearchWords1764810000000 implements MigrationInterface {
  name = 'LeadSearchWords1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE lead_search_word (word text PRIMARY KEY, len smallint NOT NULL)`);
    await q.query(`CREATE INDEX lead_search_word_len ON lead_search_word (len)`);
    // Words of 4+ characters starting with a letter: shorter ones are never typo-corrected.
    await q.query(`
      CREATE FUNCTION zs_lead_search_words() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO lead_search_word (word, len)
          SELECT DISTINCT m[1], length(m[1]) FROM regexp_matches(
            lower(concat_ws(' ', NEW.title, NEW.investor_name, NEW.summary, NEW.description)), '([a-z][a-z0-9]{3,39})', 'g') AS m
          -- One order for every writer: two transactions adding the same new words wait, never deadlock.
          ORDER BY 1
          ON CONFLICT (word) DO NOTHING;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER lead_search_words AFTER INSERT OR UPDATE OF title, investor_name, summary, description ON lead
        FOR EACH ROW EXECUTE FUNCTION zs_lead_search_words()`);
    await q.query(`
      INSERT INTO lead_search_word (word, len)
        SELECT DISTINCT m[1], length(m[1]) FROM lead l,
          regexp_matches(lower(concat_ws(' ', l.title, l.investor_name, l.summary, l.description)), '([a-z][a-z0-9]{3,39})', 'g') AS m
        ON CONFLICT (word) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS lead_search_words ON lead`);
    await q.query(`DROP FUNCTION IF EXISTS zs_lead_search_words()`);
    await q.query(`DROP TABLE IF EXISTS lead_search_word`);
  }
}
