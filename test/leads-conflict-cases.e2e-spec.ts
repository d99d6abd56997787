/**
 * Conflicts are cases, one per investor cluster (issue #7, defect 7): a lead with the investor of
 * an open case joins it with one member row whatever the case's size, a lead linking two cases
 * merges them, and what a lead's reader learns of a case is built from what it may see only.
 */
import { Client } from 'pg';
import { createTestDatabase, seedXian, startTestApp, type TestApp } from './support/harness';
import { ConflictCases1764800000000 } from '../libs/database/src/migrations/1764800000000-conflict-cases';
import { createActors, type Actor } from './support/actors';
import { ok, pMap } from './support/gql';
import { withPg } from './support/pg';
import { countSql } from './support/sql-counter';
import { makeUscc } from './support/uscc';

jest.setTimeout(180_000);

const CREATE = `mutation($input: CreateLeadInput!) { createLead(input: $input) { id code } }`;
const NOTICES = `query($id: ID!) { lead(id: $id) { id conflicts { id match status coordinatingUnit { code } otherLead { id } otherLeads { id } }
  history { action } } }`;
const CONFLICTS = `{ conflicts(first: 50) { totalCount edges { node { id status match leadCount coordinatingUnit { code } leads { id } } } } }`;

const TABLES = ['lead', 'lead_conflict', 'lead_conflict_member', 'lead_history', 'outbox_event'] as const;

describe('conflict cases', () => {
  let t: TestApp;
  let a: Map<string, Actor>;
  let n = 0;

  beforeAll(async () => {
    // The scale case creates hundreds of leads with a few officers: the investor-probe limit is not under test here.
    t = await startTestApp({ LEAD_INVESTOR_PROBE_LIMIT: '100000' });
    await seedXian(t.app);
    a = await createActors(t, [
      { name: 'cc-z1', unit: '610115-Z1', role: 'OFFICER' },
      { name: 'cc-z2', unit: '610115-Z2', role: 'OFFICER' },
      { name: 'cc-yt', unit: '610113-Z1', role: 'OFFICER' },
      { name: 'cc-ca', unit: '610116-Z1', role: 'OFFICER' },
      { name: 'cc-gx', unit: '610100-GX', role: 'OFFICER' },
      { name: 'cc-city', unit: '610100', role: 'MANAGER' },
      { name: 'cc-lt', unit: '610115', role: 'MANAGER' },
    ]);
  });
  afterAll(() => t?.close());

  const create = async (by: string, investor: { name: string; uscc?: string | null }, scope = 'PRIVATE') =>
    ok(
      await t.gql(CREATE, { input: { title: `冲突案例项目 ${n++}`, industryCode: 'NEV', investor, sharingScope: scope } }, a.get(`cc-${by}`)!.auth),
      `createLead by ${by}`,
    ).createLead as { id: string; code: string };
  const notices = async (by: string, id: string) => ok(await t.gql(NOTICES, { id }, a.get(`cc-${by}`)!.auth)).lead;
  const conflictsOf = async (by: string) => ok(await t.gql(CONFLICTS, {}, a.get(`cc-${by}`)!.auth)).conflicts;
  const rowCounts = () =>
    withPg(t.db.url, async (c) => {
      const out: Record<string, number> = {};
      for (const table of TABLES) out[table] = Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
      return out;
    });
  const delta = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(TABLES.map((k) => [k, after[k] - before[k]]));
  /** Writes of one createLead: its INSERT/UPDATE/DELETE statements and the rows they left. */
  const measuredCreate = async (by: string, investor: { name: string; uscc?: string | null }) => {
    const before = await rowCounts();
    const started = process.hrtime.bigint();
    const { log } = await countSql(() => create(by, investor));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const writes = log.statements.filter((s) => /^(WITH .*)?(INSERT|UPDATE|DELETE)/i.test(s));
    return { rows: delta(before, await rowCounts()), writes: writes.length, statements: log.count, ms };
  };

  it('an investor with 200 open leads: the next create writes O(1) rows in the same statements as with 2, and stays fast', async () => {
    const investor = { name: '陕西规模冲突投资有限公司', uscc: makeUscc(7001) };
    const units = ['z1', 'z2', 'yt', 'ca', 'gx'];
    // The first two already meet at the city, so the third changes no coordinating unit (one UPDATE less).
    await create('z1', investor);
    await create('yt', investor);
    const small = await measuredCreate('z2', investor);
    await pMap(Array.from({ length: 197 }, (_, i) => i), 4, (i) => create(units[i % units.length], investor));
    const [{ members, cases }] = await withPg(t.db.url, async (c) =>
      (
        await c.query(
          `SELECT count(*)::int AS members, count(DISTINCT m.conflict_id)::int AS cases FROM lead_conflict_member m
             JOIN lead l ON l.id = m.lead_id WHERE l.investor_uscc = $1`,
          [investor.uscc],
        )
      ).rows,
    );
    expect({ members, cases }).toEqual({ members: 200, cases: 1 });

    const large = await measuredCreate('ca', investor);
    // The lead, its CREATED and CONFLICT_DETECTED entries, two outbox events, one member row; no new case.
    const expected = { lead: 1, lead_conflict: 0, lead_conflict_member: 1, lead_history: 2, outbox_event: 2 };
    expect(small.rows).toEqual(expected);
    expect(large.rows).toEqual(expected);
    expect(large.writes).toBe(small.writes);
    expect(large.statements).toBe(small.statements);
    // Pairs took 311 ms against 13 ms at 262 leads; a case costs about what a small one does.
    expect(large.ms).toBeLessThan(Math.max(10 * small.ms, 500));
    process.stdout.write(`conflict join: ${small.ms.toFixed(1)} ms with 2 members, ${large.ms.toFixed(1)} ms with 200\n`);

    const city = await conflictsOf('city');
    const node = city.edges.map((e: any) => e.node).find((c: any) => c.leadCount === 201);
    expect(node).toMatchObject({ status: 'OPEN', match: 'USCC', coordinatingUnit: { code: '610100' } });
    expect(node.leads).toHaveLength(201);
  });

  it('concurrent saves of one cluster under different keys (its name, its USCC) end in one case covering every owner', async () => {
    const uscc = makeUscc(7006);
    const seedA = await create('z1', { name: '并发集群投资有限公司', uscc }, 'CITY');
    await create('z2', { name: '并发集群投资集团', uscc }, 'CITY');
    // Half match by name only (no USCC), half by USCC only (another name): two advisory-lock keys.
    const units = ['yt', 'ca', 'gx', 'z2', 'yt', 'ca', 'gx', 'z1', 'yt', 'ca', 'gx', 'z2'];
    const made = await pMap(units, 12, (u, i) =>
      create(u, i % 2 === 0 ? { name: '并发集群投资(中国)有限公司' } : { name: `并发别名${i}有限公司`, uscc }, 'CITY'),
    );
    const rows = await withPg(t.db.url, async (c) =>
      (
        await c.query(
          `SELECT m.conflict_id AS id, count(*)::int AS n, min(cu.code) AS coordinator FROM lead_conflict_member m
             JOIN lead_conflict c ON c.id = m.conflict_id AND c.status = 'OPEN' JOIN org_unit cu ON cu.id = c.coordinating_unit_id
            WHERE m.lead_id = ANY($1::uuid[]) GROUP BY m.conflict_id`,
          [[seedA.id, ...made.map((l) => l.id)]],
        )
      ).rows,
    );
    // 610113 and 610116 zones and the city-level zone: only the city covers them all.
    expect(rows).toEqual([{ id: rows[0].id, n: 13, coordinator: '610100' }]);
  });

  it('a notice shows only the peers the reader may see, and the unit that coordinates them, never a hidden member', async () => {
    const investor = { name: '秦岭三方投资有限公司', uscc: makeUscc(7002) };
    const mine = await create('z1', investor, 'PRIVATE');
    const hidden = await create('yt', investor, 'PRIVATE'); // 雁塔区: another district, private
    const seen = await create('z2', investor, 'CITY');
    // One case of three, coordinated by the city (雁塔区 and 临潼区 meet there).
    const city = (await conflictsOf('city')).edges.map((e: any) => e.node).find((c: any) => c.leads.some((l: any) => l.id === mine.id));
    expect(city).toMatchObject({ leadCount: 3, coordinatingUnit: { code: '610100' } });
    expect(city.leads.map((l: any) => l.id)).toEqual([mine.id, hidden.id].sort().concat(seen.id));

    const onMine = await notices('z1', mine.id);
    // 临潼区 coordinates what 610115-Z1 can see (its lead and the city-wide one); naming the city would tell of a third lead.
    expect(onMine.conflicts).toEqual([
      { id: city.id, match: 'USCC', status: 'OPEN', coordinatingUnit: { code: '610115' }, otherLead: { id: seen.id }, otherLeads: [{ id: seen.id }] },
    ]);
    // 雁塔's officer sees the city-wide lead but not 610115-Z1's private one: the notice is built from the former alone.
    const onHidden = await notices('yt', hidden.id);
    expect(onHidden.conflicts.map((c: any) => [c.coordinatingUnit.code, c.otherLeads.map((l: any) => l.id)])).toEqual([['610100', [seen.id]]]);
    // The city-wide lead's owner may not see either private lead: no notice, no history entry, no hasConflict.
    const onSeen = await notices('z2', seen.id);
    expect(onSeen.conflicts).toEqual([]);
    expect(onSeen.history.map((h: any) => h.action)).not.toContain('CONFLICT_DETECTED');
    const filtered = ok(
      await t.gql(`{ leads(filter: { hasConflict: true }, first: 100) { edges { node { id } } } }`, {}, a.get('cc-z2')!.auth),
    ).leads.edges.map((e: any) => e.node.id);
    expect(filtered).not.toContain(seen.id);
    // A district below the case's coordinator does not coordinate it.
    expect((await conflictsOf('lt')).edges.map((e: any) => e.node.id)).not.toContain(city.id);
    // It knows of the case through its zone's notice, so resolving is FORBIDDEN, not NOT_FOUND.
    const lt = await t.gql(`mutation($id: ID!) { resolveConflict(id: $id, resolution: JOINT_PURSUIT) { id } }`, { id: city.id }, a.get('cc-lt')!.auth);
    expect(lt.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a peer is a lead with the reader’s own investor: a third lead linking two names is not revealed through the second', async () => {
    const uscc = makeUscc(7003);
    const byName = await create('z1', { name: '渭水链接科技有限公司', uscc: null }, 'PRIVATE');
    const linker = await create('yt', { name: '渭水链接科技有限公司', uscc }, 'PRIVATE'); // hidden from both others
    const byUscc = await create('z2', { name: '完全不同的名称集团', uscc }, 'CITY');
    const city = (await conflictsOf('city')).edges.map((e: any) => e.node).find((c: any) => c.leads.some((l: any) => l.id === linker.id));
    expect(city.leadCount).toBe(3);
    // 610115-Z1 sees the CITY lead, but it shares neither name nor USCC with its own: only the hidden lead links them.
    expect((await notices('z1', byName.id)).conflicts).toEqual([]);
    expect((await notices('z2', byUscc.id)).conflicts).toEqual([]);
    expect((await notices('z1', byName.id)).history.map((h: any) => h.action)).not.toContain('CONFLICT_DETECTED');
  });

  it('a merge with a case of leads the reader may not see changes nothing on its notice: id, peers, coordinator, match', async () => {
    const uscc = makeUscc(7005);
    // The older case: two private leads of other districts, invisible to 610115-Z1.
    await create('yt', { name: '幽灵甲投资有限公司', uscc }, 'PRIVATE');
    await create('ca', { name: '幽灵甲投资', uscc }, 'PRIVATE');
    const mine = await create('z1', { name: '明面乙投资有限公司' }, 'CITY');
    await create('z2', { name: '明面乙投资集团' }, 'CITY');
    const before = (await notices('z1', mine.id)).conflicts;
    expect(before).toHaveLength(1);
    // A private lead of the city-level zone links both: same name as mine, same USCC as the hidden ones.
    await create('gx', { name: '明面乙投资有限公司', uscc }, 'PRIVATE');
    const merged = (await conflictsOf('city')).edges.map((e: any) => e.node).find((c: any) => c.leadCount === 5 && c.status === 'OPEN');
    expect(merged.id).not.toBe(before[0].id); // the older (hidden) case survived
    expect((await notices('z1', mine.id)).conflicts).toEqual(before);
  });

  it('a lead linking two open cases merges them into the older, history and all; resolving reaches every member', async () => {
    const uscc = makeUscc(7004);
    const nameCase = [await create('z1', { name: '汉唐双链投资有限公司' }, 'CITY'), await create('yt', { name: '汉唐双链投资集团' }, 'CITY')];
    const usccCase = [await create('z2', { name: '另一个名字有限公司', uscc }, 'CITY'), await create('ca', { name: '另一个名字', uscc }, 'CITY')];
    const before = (await conflictsOf('city')).edges.map((e: any) => e.node);
    const older = before.find((c: any) => c.leads.some((l: any) => l.id === nameCase[0].id));
    const newer = before.find((c: any) => c.leads.some((l: any) => l.id === usccCase[0].id));
    expect(older.id).not.toBe(newer.id);

    const link = await measuredCreate('gx', { name: '汉唐双链投资有限公司', uscc });
    expect(link.rows).toMatchObject({ lead: 1, lead_conflict: -1, lead_conflict_member: 1 });
    const after = (await conflictsOf('city')).edges.map((e: any) => e.node);
    expect(after.map((c: any) => c.id)).not.toContain(newer.id);
    const merged = after.find((c: any) => c.id === older.id);
    expect(merged).toMatchObject({ leadCount: 5, match: 'NAME', coordinatingUnit: { code: '610100' } });
    // The USCC case's leads keep their CONFLICT_DETECTED entries (now naming the merged case) and their
    // notice's id: the id of the case they joined.
    const onUscc = await notices('z2', usccCase[0].id);
    expect(onUscc.conflicts.map((c: any) => c.id)).toEqual([newer.id]);
    expect(onUscc.history.filter((h: any) => h.action === 'CONFLICT_DETECTED')).toHaveLength(1);
    // That id still names the case: its owner is FORBIDDEN to resolve it, not told it is gone.
    const byOwner = await t.gql(`mutation($id: ID!) { resolveConflict(id: $id, resolution: FALSE_MATCH) { id } }`, { id: newer.id }, a.get('cc-z2')!.auth);
    expect(byOwner.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const events = async () =>
      withPg(t.db.url, async (c) =>
        (await c.query(`SELECT payload FROM outbox_event WHERE type = 'lead.conflict_resolved' AND payload->>'conflictId' = $1`, [older.id])).rows,
      );
    const res = await t.gql(`mutation($id: ID!) { resolveConflict(id: $id, resolution: JOINT_PURSUIT, note: "五方联合") { status leadCount } }`, { id: older.id }, a.get('cc-city')!.auth);
    expect(ok(res).resolveConflict).toEqual({ status: 'RESOLVED', leadCount: 5 });
    const [event] = await events();
    expect(event.payload.leadIds).toHaveLength(5);
    for (const l of [...nameCase, ...usccCase]) {
      const by = { [nameCase[0].id]: 'z1', [nameCase[1].id]: 'yt', [usccCase[0].id]: 'z2', [usccCase[1].id]: 'ca' }[l.id]!;
      expect((await notices(by, l.id)).history.map((h: any) => h.action)).toContain('CONFLICT_RESOLVED');
    }

    // After the decision the next lead with the investor opens a new case with the open leads again.
    const next = await create('z1', { name: '汉唐双链投资集团' }, 'CITY');
    const reopened = (await conflictsOf('city')).edges.map((e: any) => e.node).find((c: any) => c.status === 'OPEN' && c.leads.some((l: any) => l.id === next.id));
    expect(reopened.id).not.toBe(older.id);
    // The lead's own unit's lead is no conflict of it; the other units' open leads with its name are.
    expect(reopened.leadCount).toBe(3);
  });
});

it('the conflict-cases migration turns pairs into cases, one per connected cluster of open pairs', async () => {
  const db = await createTestDatabase();
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    const m = new ConflictCases1764800000000();
    const q = { query: (sql: string, p?: unknown[]) => c.query(sql, p).then((r) => r.rows) } as any;
    await m.down(q);
    const unit = async (code: string, path: string) =>
      (
        await c.query(`INSERT INTO org_unit (id, code, name, tier, path, depth, parent_id) VALUES ($1, $2, $2, 'ZONE', $3, 2, $4) RETURNING id`, [
          path.split('/').at(-2),
          code,
          path,
          path.split('/').at(-3),
        ])
      ).rows[0].id as string;
    const root = '00000000-0000-4000-8000-000000000001';
    await c.query(`INSERT INTO org_unit (id, code, name, tier, path, depth) VALUES ($1, 'MIG-C', 'c', 'CITY', $2, 0)`, [root, `/${root}/`]);
    const d1 = '00000000-0000-4000-8000-000000000002';
    const d2 = '00000000-0000-4000-8000-000000000003';
    await c.query(`INSERT INTO org_unit (id, code, name, tier, path, depth, parent_id) VALUES ($1, 'MIG-D1', 'd1', 'DISTRICT', $2, 1, $5), ($3, 'MIG-D2', 'd2', 'DISTRICT', $4, 1, $5)`, [
      d1,
      `/${root}/${d1}/`,
      d2,
      `/${root}/${d2}/`,
      root,
    ]);
    const z = [
      await unit('MIG-Z1', `/${root}/${d1}/00000000-0000-4000-8000-000000000011/`),
      await unit('MIG-Z2', `/${root}/${d1}/00000000-0000-4000-8000-000000000012/`),
      await unit('MIG-Z3', `/${root}/${d2}/00000000-0000-4000-8000-000000000013/`),
    ];
    const lead = async (i: number, owner: string) =>
      (
        await c.query(
          `INSERT INTO lead (id, code, title, industry_code, investor_name, investor_name_norm, owner_unit_id, created_by_kind, created_by_id)
           VALUES (gen_random_uuid(), $1, 't', 'NEV', 'x', 'x', $2, 'user', $2) RETURNING id`,
          [`MIG-${i}`, owner],
        )
      ).rows[0].id as string;
    const [l1, l2, l3, l4, l5] = [await lead(1, z[0]), await lead(2, z[1]), await lead(3, z[2]), await lead(4, z[0]), await lead(5, z[1])];
    const pair = async (x: string, y: string, match: string, coordinator: string, status = 'OPEN', at = '2026-01-01') =>
      (
        await c.query(
          `INSERT INTO lead_conflict (lead_a_id, lead_b_id, match, coordinating_unit_id, status, detected_at) VALUES (least($1::uuid, $2::uuid), greatest($1::uuid, $2::uuid), $3, $4, $5, $6) RETURNING id`,
          [x, y, match, coordinator, status, at],
        )
      ).rows[0].id as string;
    // Open: l1-l2 (oldest), l2-l3, l1-l3 form one cluster; l4-l5 resolved stays a resolved case of two.
    const p12 = await pair(l1, l2, 'USCC', d1, 'OPEN', '2026-01-01');
    const p23 = await pair(l2, l3, 'NAME', root, 'OPEN', '2026-01-02');
    const p13 = await pair(l1, l3, 'USCC', root, 'OPEN', '2026-01-03');
    const p45 = await pair(l4, l5, 'USCC', d1, 'RESOLVED', '2026-01-04');
    await c.query(`INSERT INTO lead_history (lead_id, action, actor_kind, conflict_id) VALUES ($1, 'CONFLICT_DETECTED', 'system', $2)`, [l3, p23]);

    await m.up(q);
    const cases = (
      await c.query(
        `SELECT c.id, c.status, c.match, cu.code AS coordinator, array_agg(m.lead_id::text ORDER BY m.lead_id) AS leads
           FROM lead_conflict c JOIN org_unit cu ON cu.id = c.coordinating_unit_id JOIN lead_conflict_member m ON m.conflict_id = c.id
          WHERE c.id = ANY($1::uuid[]) GROUP BY c.id, cu.code ORDER BY c.detected_at`,
        [[p12, p23, p13, p45]],
      )
    ).rows;
    expect(cases).toEqual([
      { id: p12, status: 'OPEN', match: 'NAME', coordinator: 'MIG-C', leads: [l1, l2, l3].sort() },
      { id: p45, status: 'RESOLVED', match: 'USCC', coordinator: 'MIG-D1', leads: [l4, l5].sort() },
    ]);
    const history = (await c.query(`SELECT conflict_id FROM lead_history WHERE lead_id = $1 AND action = 'CONFLICT_DETECTED'`, [l3])).rows;
    expect(history).toEqual([{ conflict_id: p12 }]);
    const cols = (await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'lead_conflict'`)).rows.map((r) => r.column_name);
    expect(cols).not.toContain('lead_a_id');

    // Down again: each case becomes its first member paired with every other one.
    await m.down(q);
    const pairs = (await c.query(`SELECT lead_a_id AS a, lead_b_id AS b, status FROM lead_conflict ORDER BY status, lead_a_id, lead_b_id`)).rows;
    expect(pairs).toHaveLength(3);
    expect(pairs.filter((r) => r.status === 'OPEN')).toHaveLength(2);
    expect(pairs.filter((r) => r.status === 'RESOLVED')).toEqual([{ a: [l4, l5].sort()[0], b: [l4, l5].sort()[1], status: 'RESOLVED' }]);
  } finally {
    await c.end();
    await db.drop();
  }
});
