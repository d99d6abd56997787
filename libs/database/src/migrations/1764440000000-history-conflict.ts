import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A conflict's history entries name their conflict, so the history loader can show them exactly to
 * whoever sees the conflict notice (docs/leads-api.md "Conflicts"). Detection is the system's doing:
 * earlier entries stop naming the user whose save triggered it (a user of the other side).
 */
export class HistoryConflict1764440000000 implements MigrationInterface {
  name = 'HistoryConflict1764440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE lead_history ADD COLUMN conflict_id uuid REFERENCES lead_conflict (id) ON DELETE SET NULL`);
    // Earlier entries: the conflict of that lead detected (or resolved) closest to the entry.
    await q.query(`
      UPDATE lead_history h SET conflict_id = (
        SELECT c.id FROM lead_conflict c WHERE c.lead_a_id = h.lead_id OR c.lead_b_id = h.lead_id
         ORDER BY abs(extract(epoch FROM (CASE WHEN h.action = 'CONFLICT_RESOLVED' THEN c.resolved_at ELSE c.detected_at END) - h.at))
         LIMIT 1)
       WHERE h.action IN ('CONFLICT_DETECTED', 'CONFLICT_RESOLVED')`);
    await q.query(`UPDATE lead_history SET actor_kind = 'system', actor_id = NULL WHERE action = 'CONFLICT_DETECTED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE lead_history DROP COLUMN conflict_id`);
  }
}
