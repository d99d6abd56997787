import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Nearest common ancestor of materialized paths (`/a/b/c/`); kept here so the migration stands alone. */
function commonAncestor(paths: string[]): string {
  const split = paths.map((p) => p.split('/').filter(Boolean));
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const id = split[0][i];
    if (id === undefined || split.some((s) => s[i] !== id)) break;
    out.push(id);
  }
  return out[out.length - 1] ?? split[0][0];
}

/**
 * Conflicts become cases: one `lead_conflict` row per investor cluster with its leads in
 * `lead_conflict_member`, instead of one row per pair of leads (an investor with N open leads cost N
 * rows on the next save). Existing pairs become two-member cases; the open pairs that share a lead
 * are merged into one case per connected cluster (the oldest pair's id survives, history entries
 * are re-pointed to it, the coordinating unit is the nearest common ancestor of all its owners, the
 * match NAME if any pair of it matched only by name). Resolved pairs stay resolved two-member cases.
 * A member's `notice_id` is the id its lead's notice showed (the pair's; after a merge, its oldest pair's).
 */
export class ConflictCases1764800000000 implements MigrationInterface {
  name = 'ConflictCases1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lead_conflict_member (
        conflict_id uuid NOT NULL REFERENCES lead_conflict (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL REFERENCES lead (id) ON DELETE CASCADE,
        match conflict_match NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT now(),
        -- The case the lead joined: its notice keeps this id when the case merges into another, so a
        -- merge with leads the reader may not see does not show on its lead as a changed id.
        notice_id uuid NOT NULL,
        PRIMARY KEY (conflict_id, lead_id)
      )`);
    await q.query(`CREATE INDEX lead_conflict_member_lead ON lead_conflict_member (lead_id)`);
    await q.query(`
      INSERT INTO lead_conflict_member (conflict_id, lead_id, match, joined_at, notice_id)
      SELECT id, lead_a_id, match, detected_at, id FROM lead_conflict
      UNION ALL SELECT id, lead_b_id, match, detected_at, id FROM lead_conflict`);

    // Open pairs sharing a lead: one case per connected cluster (union-find over the pairs).
    const pairs: { id: string; a: string; b: string }[] = await q.query(
      `SELECT id, lead_a_id AS a, lead_b_id AS b FROM lead_conflict WHERE status = 'OPEN' ORDER BY detected_at, id`,
    );
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(x, r);
      return r;
    };
    const union = (x: string, y: string) => {
      for (const v of [x, y]) if (!parent.has(v)) parent.set(v, v);
      const [rx, ry] = [find(x), find(y)];
      if (rx !== ry) parent.set(ry, rx);
    };
    for (const p of pairs) union(p.a, p.b);
    const clusters = new Map<string, string[]>();
    for (const p of pairs) clusters.set(find(p.a), [...(clusters.get(find(p.a)) ?? []), p.id]);
    for (const ids of clusters.values()) {
      if (ids.length < 2) continue;
      const [survivor, ...merged] = ids; // oldest first
      await q.query(
        `INSERT INTO lead_conflict_member (conflict_id, lead_id, match, joined_at, notice_id)
         SELECT DISTINCT ON (lead_id) $1::uuid, lead_id, match, joined_at, notice_id FROM lead_conflict_member
          WHERE conflict_id = ANY($2::uuid[]) ORDER BY lead_id, joined_at
         ON CONFLICT (conflict_id, lead_id) DO NOTHING`,
        [survivor, merged],
      );
      await q.query(`UPDATE lead_history SET conflict_id = $1 WHERE conflict_id = ANY($2::uuid[])`, [survivor, merged]);
      const owners: { path: string }[] = await q.query(
        `SELECT DISTINCT ou.path FROM lead_conflict_member m JOIN lead l ON l.id = m.lead_id
           JOIN org_unit ou ON ou.id = l.owner_unit_id WHERE m.conflict_id = $1`,
        [survivor],
      );
      await q.query(
        `UPDATE lead_conflict SET coordinating_unit_id = $2,
                match = CASE WHEN EXISTS (SELECT 1 FROM lead_conflict WHERE id = ANY($3::uuid[]) AND match = 'NAME') THEN 'NAME' ELSE match END
          WHERE id = $1`,
        [survivor, commonAncestor(owners.map((o) => o.path)), ids],
      );
      await q.query(`DELETE FROM lead_conflict WHERE id = ANY($1::uuid[])`, [merged]);
    }

    await q.query(`ALTER TABLE lead_conflict DROP CONSTRAINT lead_conflict_pair_key, DROP CONSTRAINT lead_conflict_ordered`);
    await q.query(`DROP INDEX lead_conflict_b`);
    await q.query(`ALTER TABLE lead_conflict DROP COLUMN lead_a_id, DROP COLUMN lead_b_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to pairs: each case as its first member paired with every other member (a merged cluster
    // does not get back every pair it once had; the pairs it gets are the ones a coordinator needs).
    await q.query(`ALTER TABLE lead_conflict ADD COLUMN lead_a_id uuid REFERENCES lead (id) ON DELETE CASCADE,
                                             ADD COLUMN lead_b_id uuid REFERENCES lead (id) ON DELETE CASCADE`);
    await q.query(`
      WITH ranked AS (
        SELECT conflict_id, lead_id, row_number() OVER (PARTITION BY conflict_id ORDER BY joined_at, lead_id) AS n
          FROM lead_conflict_member),
      firsts AS (SELECT conflict_id, lead_id FROM ranked WHERE n = 1),
      extra AS (SELECT r.conflict_id, f.lead_id AS first_id, r.lead_id, r.n FROM ranked r JOIN firsts f USING (conflict_id) WHERE r.n > 2)
      INSERT INTO lead_conflict (lead_a_id, lead_b_id, match, coordinating_unit_id, status, resolution, note, detected_at, resolved_at, resolved_by_id)
      SELECT least(e.first_id, e.lead_id), greatest(e.first_id, e.lead_id), c.match, c.coordinating_unit_id, c.status, c.resolution,
             c.note, c.detected_at, c.resolved_at, c.resolved_by_id
        FROM extra e JOIN lead_conflict c ON c.id = e.conflict_id`);
    await q.query(`
      UPDATE lead_conflict c SET lead_a_id = least(p.x, p.y), lead_b_id = greatest(p.x, p.y)
        FROM (SELECT conflict_id, (array_agg(lead_id ORDER BY joined_at, lead_id))[1] AS x,
                     (array_agg(lead_id ORDER BY joined_at, lead_id))[2] AS y
                FROM lead_conflict_member GROUP BY conflict_id) p
       WHERE p.conflict_id = c.id AND c.lead_a_id IS NULL`);
    await q.query(`DELETE FROM lead_conflict WHERE lead_a_id IS NULL OR lead_b_id IS NULL OR lead_a_id = lead_b_id`);
    await q.query(`ALTER TABLE lead_conflict ALTER COLUMN lead_a_id SET NOT NULL, ALTER COLUMN lead_b_id SET NOT NULL`);
    await q.query(`ALTER TABLE lead_conflict ADD CONSTRAINT lead_conflict_ordered CHECK (lead_a_id < lead_b_id),
                                             ADD CONSTRAINT lead_conflict_pair_key UNIQUE (lead_a_id, lead_b_id)`);
    await q.query(`CREATE INDEX lead_conflict_b ON lead_conflict (lead_b_id)`);
    await q.query(`DROP TABLE lead_conflict_member`);
  }
}
