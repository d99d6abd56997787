/**
 * Lead codes do not count leads (issue #7, defect 10): they are drawn at random, unique by the
 * lead_code_key index, and a code already taken (also by a concurrent insert) is retried without
 * failing the transaction.
 */
import { DataSource } from 'typeorm';
import { LeadRepository, type NewLead } from '@zs/leads';
import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { ok, pMap } from './support/gql';
import { withPg } from './support/pg';
// The generator the benchmarks use to fill a database: it still numbers its codes from lead_code_seq.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateLeads } = require('../bench/generate-leads') as {
  generateLeads: (client: unknown, options: { count: number; seed?: number }) => Promise<unknown>;
};

jest.setTimeout(120_000);

const CREATE = `mutation($input: CreateLeadInput!) { createLead(input: $input) { id code } }`;

describe('lead codes', () => {
  let t: TestApp;
  let token: string;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp({ LEAD_INVESTOR_PROBE_LIMIT: '100000' });
    await seedXian(t.app);
    token = await userToken(t, 'codes-officer', '610115-Z1', 'OFFICER');
  });
  afterAll(() => t?.close());

  const create = async () =>
    ok(await t.gql(CREATE, { input: { title: `编码项目 ${n}`, industryCode: 'NEV', investor: { name: `编码投资${n++}号` } } }, { token }))
      .createLead as { id: string; code: string };
  const number = (code: string) => Number(code.split('-')[2]);

  it('consecutive creates of one officer do not get consecutive (or ordered) codes', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push((await create()).code);
    const year = new Date().getFullYear();
    for (const c of codes) expect(c).toMatch(new RegExp(`^XA-${year}-\\d{6}$`));
    const steps = codes.slice(1).map((c, i) => number(c) - number(codes[i]));
    // A sequence gives steps of 1 (or the count of others' creations in between); random draws almost never do.
    expect(steps.filter((s) => s >= 1 && s <= 3).length).toBeLessThanOrEqual(1);
    expect(steps.every((s) => s > 0)).toBe(false);
  });

  it('40 concurrent creates get 40 distinct codes', async () => {
    const leads = await pMap(Array.from({ length: 40 }, (_, i) => i), 10, () => create());
    expect(new Set(leads.map((l) => l.code)).size).toBe(40);
    const stored = await withPg(t.db.url, async (c) =>
      (await c.query(`SELECT count(DISTINCT code)::int AS n FROM lead WHERE id = ANY($1::uuid[])`, [leads.map((l) => l.id)])).rows[0].n,
    );
    expect(stored).toBe(40);
  });

  it('a taken code, also one taken by a concurrent transaction, is retried in the same transaction', async () => {
    const repo = t.app.get(LeadRepository);
    const db = t.app.get(DataSource);
    const taken = (await create()).code;
    const owner = await withPg(t.db.url, async (c) => (await c.query(`SELECT id FROM org_unit WHERE code = '610115-Z1'`)).rows[0].id as string);
    const lead = (i: number): NewLead => ({
      title: `重试项目 ${i}`,
      industryCode: 'NEV',
      investorName: `重试投资${i}`,
      investorNameNorm: `重试投资${i}`,
      sharingScope: 'PRIVATE',
      ownerUnitId: owner,
      createdByKind: 'user',
      createdById: owner,
      contacts: [],
      attractionModeCodes: [],
    });
    const tried: string[] = [];
    const first = await db.transaction(async (tx) => {
      const r = await repo.insertWithCode(tx, lead(1), 2026, (attempt) => {
        const code = attempt === 0 ? taken : 'XA-2026-T00001';
        tried.push(code);
        return code;
      });
      // The transaction is still usable after the refused code.
      await tx.query(`SELECT 1`);
      return r;
    });
    expect(tried).toEqual([taken, 'XA-2026-T00001']);
    expect(first.code).toBe('XA-2026-T00001');

    // Two transactions draw the same code at once: one keeps it, the other moves on to its next draw.
    const same = 'XA-2026-T00002';
    const results = await Promise.all(
      [3, 4].map((i) => db.transaction((tx) => repo.insertWithCode(tx, lead(i), 2026, (attempt) => (attempt === 0 ? same : `XA-2026-T0000${i}`)))),
    );
    expect(results.map((r) => r.code).sort()).toEqual([same, results.find((r) => r.code !== same)!.code].sort());
    expect(results.filter((r) => r.code === same)).toHaveLength(1);
    const rows = await withPg(t.db.url, async (c) =>
      (await c.query(`SELECT code FROM lead WHERE id = ANY($1::uuid[]) ORDER BY code`, [[first.id, ...results.map((r) => r.id)]])).rows,
    );
    expect(rows).toHaveLength(3);
  });

  it('the benchmark generator (codes from lead_code_seq) still fills the table next to random codes', async () => {
    await withPg(t.db.url, (c) => generateLeads(c, { count: 50, seed: 3 }));
    const after = (await create()).code;
    expect(after).toMatch(/^XA-\d{4}-\d{6}$/);
    const dupes = await withPg(t.db.url, async (c) => (await c.query(`SELECT code FROM lead GROUP BY code HAVING count(*) > 1`)).rows);
    expect(dupes).toEqual([]);
  });
});
