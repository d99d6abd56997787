/**
 * DataLoader per request (issue #3, "Lists and figures"): a page of leads with owner unit (and its
 * parent), assigned units, creator and industry costs the same handful of SQL statements for 10
 * leads as for 100.
 */
import { seedXian, startTestApp, type TestApp } from './support/harness';
import { createActors, type Actor } from './support/actors';
import { ok, pMap } from './support/gql';
import { INDUSTRIES, LeadWorld } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { countSql } from './support/sql-counter';
import { SCOPES } from './support/visibility-oracle';

jest.setTimeout(90_000);

const PAGE = `query($first: Int!) { leads(first: $first) { totalCount edges { node {
  code title industry { code nameZh }
  ownerUnit { code name parent { code name } }
  assignedUnits { code name }
  createdBy { username unit { name } }
} } } }`;

const OWNERS: [string, string][] = [
  ['610115-Z1', 'z1'],
  ['610115-Z2', 'z2'],
  ['610115', 'd'],
  ['610117-Z1', 'oz'],
  ['610100-GX', 'gx'],
  ['610100', 'c'],
];
const ASSIGN_TO = ['610113-Z1', '610116-Z1', '610116-Z2', '610118-Z1', '610100-JK', '610114-Z2'];

describe('leads: DataLoader keeps a page at a fixed number of SQL statements', () => {
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
    ]);
    const plan = Array.from({ length: 120 }, (_, i) => i);
    await pMap(plan, 4, async (i) => {
      const [, u] = OWNERS[i % OWNERS.length];
      const l = await world.create(a.get(`${u}-officer`)!, 1000 + i, SCOPES[i % 4], `page lead ${i}`, {
        industryCode: INDUSTRIES[i % INDUSTRIES.length],
      });
      // most leads pursued by one or two more units, assigned by the city
      if (i % 3 !== 0) await world.assign(a.get('city-manager')!, l, ASSIGN_TO[i % ASSIGN_TO.length]);
      if (i % 5 === 0) await world.assign(a.get('city-manager')!, l, ASSIGN_TO[(i + 1) % ASSIGN_TO.length]);
    });
  });
  afterAll(() => t?.close());

  // The city manager sees every lead. (An OFFICER would do as well once `leads` works for OFFICERs.)
  const page = (first: number) => countSql(() => t.gql(PAGE, { first }, a.get('city-manager')!.auth));

  it('returns the page with every nested field resolved', async () => {
    const { result } = await page(100);
    const data = ok(result).leads;
    expect(data.totalCount).toBe(120);
    expect(data.edges).toHaveLength(100);
    for (const { node } of data.edges) {
      const l = [...world.leads.values()].find((x) => x.code === node.code)!;
      expect(node.ownerUnit.code).toBe(l.owner);
      expect(node.ownerUnit.parent?.code ?? null).toBe(world.tree.unit(l.owner).parentCode);
      expect(node.assignedUnits.map((u: { code: string }) => u.code).sort()).toEqual([...l.assigned].sort());
      expect(node.createdBy.username).toMatch(/-officer$/);
      expect(node.industry.nameZh).toBeTruthy();
    }
  });

  it('costs the same number of statements for 10, 50 and 100 leads, and only a handful', async () => {
    await page(5); // warm-up: code tables and other per-process caches
    const ten = await page(10);
    const fifty = await page(50);
    const hundred = await page(100);
    const tenAgain = await page(10);
    for (const r of [ten, fifty, hundred, tenAgain]) expect(r.result.body.errors).toBeUndefined();
    expect(hundred.result.body.data!.leads.edges).toHaveLength(100);
    const counts = { ten: ten.log.count, fifty: fifty.log.count, hundred: hundred.log.count, tenAgain: tenAgain.log.count };
    // Statements are listed on failure, to show which resolver issues one per lead.
    expect({ counts, statements: hundred.log.statements }).toEqual({
      counts: { ten: ten.log.count, fifty: ten.log.count, hundred: ten.log.count, tenAgain: ten.log.count },
      statements: hundred.log.statements,
    });
    expect(hundred.log.count).toBeGreaterThan(0); // the counter does see the app's queries
    expect(hundred.log.count).toBeLessThanOrEqual(12);
  });
});
