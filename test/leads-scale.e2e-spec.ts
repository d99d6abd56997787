/**
 * Lists and figures at scale (issue #6): the page of leads counts the filtered set only when the
 * query selects totalCount, and leadStats agrees with a count made from the test's own record.
 */
import { seedXian, startTestApp, type TestApp } from './support/harness';
import { createActors, type Actor } from './support/actors';
import { ok, pMap } from './support/gql';
import { LeadWorld } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { countSql } from './support/sql-counter';
import { SCOPES, shanghaiYear } from './support/visibility-oracle';

jest.setTimeout(90_000);

const OWNERS: [string, string][] = [
  ['610115-Z1', 'z1'],
  ['610115', 'd'],
  ['610100-GX', 'gx'],
  ['610113-Z1', 'yz'],
  ['610100', 'c'],
];

const isCount = (s: string) => /count\(\*\)/i.test(s);

describe('leads at scale: lazy totalCount, stats against an independent count', () => {
  let t: TestApp;
  let world: LeadWorld;
  let a: Map<string, Actor>;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    world = new LeadWorld(t, await OrgTree.load(t));
    a = await createActors(t, [
      ...OWNERS.map(([unit, u]) => ({ name: `${u}-officer`, unit, role: 'OFFICER' as const })),
      { name: 'city-manager', unit: '610100', role: 'MANAGER' },
      { name: 'zone-officer', unit: '610115-Z2', role: 'OFFICER' },
    ]);
    await pMap(
      Array.from({ length: 30 }, (_, i) => i),
      4,
      async (i) => {
        const [, u] = OWNERS[i % OWNERS.length];
        const l = await world.create(a.get(`${u}-officer`)!, 3000 + i, SCOPES[i % 4], `scale lead ${i}`, {
          investmentAmount: `${100 * (i + 1)}.00`,
          expectedJobs: i,
        });
        if (i % 4 === 1) await world.stage(a.get(`${u}-officer`)!, l, 'NEGOTIATING');
      },
    );
  });
  afterAll(() => t?.close());

  const LIST = (withTotal: boolean) =>
    `query($f: LeadFilter) { leads(first: 20, filter: $f) { ${withTotal ? 'totalCount' : ''} edges { node { code } } pageInfo { hasNextPage } } }`;

  it.each(['city-manager', 'zone-officer'])('%s: a page without totalCount sends no count statement', async (who) => {
    const actor = a.get(who)!;
    const without = await countSql(() => t.gql(LIST(false), {}, actor.auth));
    const withTotal = await countSql(() => t.gql(LIST(true), {}, actor.auth));
    const visible = [...world.leads.values()].filter((l) => world.oracle.canSee(actor, l)).length;
    expect(ok(without.result).leads.edges).toHaveLength(Math.min(20, visible));
    expect(without.log.statements.filter(isCount)).toEqual([]);
    expect(ok(withTotal.result).leads.totalCount).toBe(visible);
    expect(withTotal.log.statements.filter(isCount)).toHaveLength(1);
  });

  it('a fragment or an alias asking for totalCount still gets it counted', async () => {
    const q = `query { leads(first: 5) { ...T } } fragment T on LeadConnection { n: totalCount }`;
    const { result, log } = await countSql(() => t.gql(q, {}, a.get('city-manager')!.auth));
    expect(ok(result).leads.n).toBe(30);
    expect(log.statements.filter(isCount)).toHaveLength(1);
  });

  it('filtered pages count only the filtered set', async () => {
    const f = { stages: ['NEGOTIATING'], investmentMin: '500' };
    const expected = [...world.leads.values()].filter((l) => l.stage === 'NEGOTIATING' && Number(l.label.split(' ').pop()) >= 4).length;
    const res = ok(await t.gql(LIST(true), { f }, a.get('city-manager')!.auth)).leads;
    expect(res.totalCount).toBe(expected);
    expect(res.edges).toHaveLength(expected);
  });

  it.each(['DISTRICT', 'ZONE'])('leadStats(groupBy: %s) for the city equals a count over the recorded leads', async (groupBy) => {
    const year = shanghaiYear(new Date());
    const res = ok(
      await t.gql(
        `query($y: Int!, $g: LeadStatsGroupBy!) { leadStats(year: $y, groupBy: $g) { unit { code } newLeads signed signedInvestment expectedJobs } }`,
        { y: year, g: groupBy },
        a.get('city-manager')!.auth,
      ),
    ).leadStats as { unit: { code: string }; newLeads: number; signed: number; signedInvestment: string; expectedJobs: number }[];
    const units = world.oracle.statsUnits(a.get('city-manager')!, groupBy as 'DISTRICT' | 'ZONE');
    expect(res.map((r) => r.unit.code).sort()).toEqual([...units].sort());
    for (const r of res) {
      const mine = [...world.leads.values()].filter((l) =>
        groupBy === 'ZONE' ? l.owner === r.unit.code : world.tree.isSelfOrAncestor(r.unit.code, l.owner),
      );
      expect({ unit: r.unit.code, newLeads: r.newLeads, signed: r.signed }).toEqual({
        unit: r.unit.code,
        newLeads: mine.filter((l) => shanghaiYear(l.createdAt) === year).length,
        signed: 0,
      });
    }
    expect(res.reduce((s, r) => s + r.newLeads, 0)).toBeGreaterThan(0);
  });
});
