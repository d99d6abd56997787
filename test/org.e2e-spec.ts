import { DataSource } from 'typeorm';
import { UserService } from '@zs/identity';
import { OrgUnitService, XIAN_DISTRICTS } from '@zs/org';
import { apiKey, cli, seedXian, startTestApp, userToken, type TestApp } from './support/harness';

interface Unit {
  id: string;
  code: string;
  name: string;
  tier: string;
  active: boolean;
  parent: { id: string; code: string } | null;
}

const CREATE = `mutation($input: CreateOrgUnitInput!) { createOrgUnit(input: $input) { id code name tier active parent { code } leadingIndustries { code } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateOrgUnitInput!) { updateOrgUnit(id: $id, input: $input) { id code name active parent { code } leadingIndustries { code } } }`;

describe('organisation tree (city → district/county → zone)', () => {
  let t: TestApp;
  let cityAdmin: string;
  let db: DataSource;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    db = t.app.get(DataSource);
    cityAdmin = await userToken(t, 'city-admin', '610100', 'ADMIN');
    const rows: { id: string; code: string }[] = await db.query(`SELECT id, code FROM org_unit`);
    for (const r of rows) ids.set(r.code, r.id);
  });
  afterAll(() => t?.close());

  const snapshot = () =>
    db.query(`SELECT id, code, name, tier, parent_id, path, depth, leading_industry_codes, active FROM org_unit ORDER BY code`);

  describe('the Xi\'an seed', () => {
    it('orgUnits(tier: DISTRICT) returns the 13 county-level units with their GB/T 2260 codes', async () => {
      const res = await t.gql<{ orgUnits: Unit[] }>(
        `{ orgUnits(tier: DISTRICT) { code name tier parent { code } } }`,
        {},
        { token: cityAdmin },
      );
      expect(res.body.errors).toBeUndefined();
      const units = res.body.data!.orgUnits;
      expect(units.map((u) => [u.code, u.name])).toEqual([
        ['610102', '新城区'],
        ['610103', '碑林区'],
        ['610104', '莲湖区'],
        ['610111', '灞桥区'],
        ['610112', '未央区'],
        ['610113', '雁塔区'],
        ['610114', '阎良区'],
        ['610115', '临潼区'],
        ['610116', '长安区'],
        ['610117', '高陵区'],
        ['610118', '鄠邑区'],
        ['610122', '蓝田县'],
        ['610124', '周至县'],
      ]);
      expect(units.map((u) => [u.code, u.name])).toEqual(XIAN_DISTRICTS);
      for (const u of units) {
        expect(u.tier).toBe('DISTRICT');
        expect(u.parent).toEqual({ code: '610100' });
      }
    });

    it('has one CITY, and zones under the city and under most districts, several with more than one', async () => {
      const res = await t.gql<{ orgUnits: Unit[] }>(`{ orgUnits { id code tier parent { id code } } }`, {}, { token: cityAdmin });
      const units = res.body.data!.orgUnits;
      expect(units.filter((u) => u.tier === 'CITY').map((u) => u.code)).toEqual(['610100']);
      const zones = units.filter((u) => u.tier === 'ZONE');
      expect(zones.filter((z) => z.parent!.code === '610100').map((z) => z.code)).toEqual(
        expect.arrayContaining(['610100-GX', '610100-JK']),
      );
      const perDistrict = new Map<string, number>();
      for (const z of zones) perDistrict.set(z.parent!.code, (perDistrict.get(z.parent!.code) ?? 0) + 1);
      expect(perDistrict.size - 1).toBeGreaterThanOrEqual(7); // more than half of the 13, besides the city
      expect([...perDistrict.entries()].filter(([code, n]) => code !== '610100' && n > 1).length).toBeGreaterThanOrEqual(2);
    });

    it("every unit's parent chain ends at 610100", async () => {
      const res = await t.gql<{ orgUnits: Unit[] }>(`{ orgUnits { id code tier parent { id code } } }`, {}, { token: cityAdmin });
      const units = res.body.data!.orgUnits;
      expect(units.length).toBeGreaterThanOrEqual(1 + 13 + 10);
      const byId = new Map(units.map((u) => [u.id, u]));
      for (const u of units) {
        let cur: Unit | undefined = u;
        const seen = new Set<string>();
        while (cur?.parent) {
          expect(seen.has(cur.id)).toBe(false);
          seen.add(cur.id);
          cur = byId.get(cur.parent.id);
        }
        expect(cur?.code).toBe('610100');
        expect(seen.size).toBeLessThanOrEqual(2);
      }
      // The same through nested `parent` on one zone.
      const zone = await t.gql(
        `query($id: ID!) { orgUnit(id: $id) { code tier parent { code tier parent { code tier parent { code } } } } }`,
        { id: ids.get('610116-Z2') },
        { token: cityAdmin },
      );
      expect(zone.body.data!.orgUnit).toEqual({
        code: '610116-Z2',
        tier: 'ZONE',
        parent: { code: '610116', tier: 'DISTRICT', parent: { code: '610100', tier: 'CITY', parent: null } },
      });
    });

    it('resolves children and leadingIndustries (from the INDUSTRY code table)', async () => {
      const res = await t.gql(
        `{ orgUnitByCode(code: "610100-GX") { leadingIndustries { kind code nameZh } } d: orgUnitByCode(code: "610114") { children { code } } }`,
        {},
        { token: cityAdmin },
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.orgUnitByCode.leadingIndustries).toEqual([
        { kind: 'INDUSTRY', code: 'IC', nameZh: '集成电路' },
        { kind: 'INDUSTRY', code: 'SOFTWARE', nameZh: '软件和信息服务' },
      ]);
      expect(res.body.data!.d.children.map((c: { code: string }) => c.code)).toEqual(['610114-Z1', '610114-Z2']);

      // Every seeded zone's industries exist in the code table.
      const all = await t.gql(`{ orgUnits(tier: ZONE) { code leadingIndustries { code } } }`, {}, { token: cityAdmin });
      const rows: { code: string; n: number }[] = await db.query(
        `SELECT code, cardinality(leading_industry_codes) AS n FROM org_unit WHERE tier = 'ZONE'`,
      );
      const expected = new Map(rows.map((r) => [r.code, Number(r.n)]));
      for (const z of all.body.data!.orgUnits as { code: string; leadingIndustries: unknown[] }[]) {
        expect([z.code, z.leadingIndustries.length]).toEqual([z.code, expected.get(z.code)]);
        expect(z.leadingIndustries.length).toBeGreaterThanOrEqual(1);
      }
    });

    it('seeding again changes nothing: same rows, same ids (service and `seed:xian` command)', async () => {
      const before = await snapshot();
      const codesBefore = await db.query(`SELECT * FROM code_item ORDER BY kind, code`);
      expect(await t.app.get(OrgUnitService).seedXian()).toEqual({ inserted: 0 });
      expect(await snapshot()).toEqual(before);

      const run = await cli(t, 'seed:xian');
      expect(run).toEqual({ code: 0, out: '西安市 is already seeded; nothing changed', err: '' });
      expect(await snapshot()).toEqual(before);
      expect(await db.query(`SELECT * FROM code_item ORDER BY kind, code`)).toEqual(codesBefore);
    });

    it('two seeders racing on an empty database produce one tree', async () => {
      const other = await startTestApp();
      try {
        const svc = other.app.get(OrgUnitService);
        const results = await Promise.all([svc.seedXian(), svc.seedXian(), svc.seedXian()]);
        const inserted = results.map((r) => r.inserted).sort((a, b) => b - a);
        expect(inserted[0]).toBe(33);
        expect(inserted.slice(1)).toEqual([0, 0]);
        const [{ n }] = await other.app.get(DataSource).query(`SELECT count(*)::int AS n FROM org_unit`);
        expect(n).toBe(33);
      } finally {
        await other.close();
      }
    });
  });

  describe('orgUnit(id)', () => {
    it('returns null for an unknown or malformed id', async () => {
      const res = await t.gql(
        `{ a: orgUnit(id: "00000000-0000-4000-8000-000000000000") { code } b: orgUnit(id: "not-a-uuid") { code } c: orgUnit(id: "1") { code } }`,
        {},
        { token: cityAdmin },
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).toEqual({ a: null, b: null, c: null });
    });

    it('returns the unit for a real id', async () => {
      const res = await t.gql(`query($id: ID!) { orgUnit(id: $id) { code name } }`, { id: ids.get('610124') }, { token: cityAdmin });
      expect(res.body.data!.orgUnit).toEqual({ code: '610124', name: '周至县' });
    });
  });

  describe('tier rules', () => {
    async function expectFieldError(res: Awaited<ReturnType<TestApp['gql']>>, path: string, message: RegExp) {
      expect(res.body.data).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      const ext = res.body.errors![0].extensions!;
      expect(ext.code).toBe('BAD_USER_INPUT');
      expect(ext.fields).toEqual([{ path, message: expect.stringMatching(message) }]);
    }

    it('refuses a DISTRICT under a ZONE', async () => {
      const res = await t.gql(CREATE, { input: { code: 'D-UNDER-Z', name: 'x', tier: 'DISTRICT', parentId: ids.get('610116-Z1') } }, { token: cityAdmin });
      await expectFieldError(res, 'input.parentId', /^a DISTRICT cannot be placed under a ZONE$/);
    });

    it('refuses a ZONE under a ZONE', async () => {
      const res = await t.gql(CREATE, { input: { code: 'Z-UNDER-Z', name: 'x', tier: 'ZONE', parentId: ids.get('610116-Z1') } }, { token: cityAdmin });
      await expectFieldError(res, 'input.parentId', /^a ZONE cannot be placed under a ZONE$/);
    });

    it('refuses a DISTRICT under a DISTRICT and a non-CITY without a parent', async () => {
      const under = await t.gql(CREATE, { input: { code: 'D-UNDER-D', name: 'x', tier: 'DISTRICT', parentId: ids.get('610102') } }, { token: cityAdmin });
      await expectFieldError(under, 'input.parentId', /DISTRICT cannot be placed under a DISTRICT/);
      const orphan = await t.gql(CREATE, { input: { code: 'ORPHAN', name: 'x', tier: 'ZONE' } }, { token: cityAdmin });
      await expectFieldError(orphan, 'input.parentId', /needs a parent/);
    });

    it('refuses a second CITY', async () => {
      const res = await t.gql(CREATE, { input: { code: '610000', name: '陕西省', tier: 'CITY' } }, { token: cityAdmin });
      await expectFieldError(res, 'input.tier', /already a CITY/);
    });

    it('refuses a parent that does not exist or is not an id', async () => {
      const unknown = await t.gql(CREATE, { input: { code: 'Z-NOPARENT', name: 'x', tier: 'ZONE', parentId: '00000000-0000-4000-8000-000000000000' } }, { token: cityAdmin });
      await expectFieldError(unknown, 'input.parentId', /no such unit/);
      const malformed = await t.gql(CREATE, { input: { code: 'Z-BADPARENT', name: 'x', tier: 'ZONE', parentId: 'abc' } }, { token: cityAdmin });
      await expectFieldError(malformed, 'input.parentId', /no such unit/);
    });

    it('refuses moving a unit under its own descendant (cycle) or under itself', async () => {
      const district = ids.get('610114')!;
      const underOwnZone = await t.gql(UPDATE, { id: district, input: { parentId: ids.get('610114-Z1') } }, { token: cityAdmin });
      await expectFieldError(underOwnZone, 'input.parentId', /cycle/);
      const city = await t.gql(UPDATE, { id: ids.get('610100'), input: { parentId: district } }, { token: cityAdmin });
      await expectFieldError(city, 'input.parentId', /cycle/);
      const self = await t.gql(UPDATE, { id: ids.get('610114-Z2'), input: { parentId: ids.get('610114-Z2') } }, { token: cityAdmin });
      await expectFieldError(self, 'input.parentId', /cycle/);
    });

    it('reports every bad field of an input at once', async () => {
      const res = await t.gql(
        CREATE,
        { input: { code: 'x', name: '  ', tier: 'ZONE', parentId: ids.get('610102'), leadingIndustryCodes: ['NOPE', 'IC', 'FOOD'] } },
        { token: cityAdmin },
      );
      expect(res.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0].extensions!.fields).toEqual(
        expect.arrayContaining([
          { path: 'input.code', message: expect.any(String) },
          { path: 'input.name', message: expect.any(String) },
          { path: 'input.leadingIndustryCodes', message: 'a ZONE has at most 2 leading industries' },
          { path: 'input.leadingIndustryCodes.0', message: 'is not an active INDUSTRY code' },
        ]),
      );
      expect(res.body.errors![0].extensions!.fields).toHaveLength(4);
    });

    it('creates a ZONE under a DISTRICT and under the CITY, then moves one between districts', async () => {
      const a = await t.gql(CREATE, { input: { code: '610102-Z9', name: '新城测试园', tier: 'ZONE', parentId: ids.get('610102'), leadingIndustryCodes: ['IC', 'IC'] } }, { token: cityAdmin });
      expect(a.body.errors).toBeUndefined();
      expect(a.body.data!.createOrgUnit).toMatchObject({
        code: '610102-Z9',
        tier: 'ZONE',
        active: true,
        parent: { code: '610102' },
        leadingIndustries: [{ code: 'IC' }],
      });
      const b = await t.gql(CREATE, { input: { code: '610100-T9', name: '市属测试区', tier: 'ZONE', parentId: ids.get('610100') } }, { token: cityAdmin });
      expect(b.body.data!.createOrgUnit.parent).toEqual({ code: '610100' });

      const moved = await t.gql(UPDATE, { id: a.body.data!.createOrgUnit.id, input: { parentId: ids.get('610103'), name: '改名园' } }, { token: cityAdmin });
      expect(moved.body.errors).toBeUndefined();
      expect(moved.body.data!.updateOrgUnit).toMatchObject({ name: '改名园', parent: { code: '610103' } });
      const [row] = await db.query(`SELECT path, depth FROM org_unit WHERE code = '610102-Z9'`);
      expect(row.path).toBe(`/${ids.get('610100')}/${ids.get('610103')}/${a.body.data!.createOrgUnit.id}/`);
      expect(row.depth).toBe(2);
    });

    it('moves a whole subtree: a district\'s zones follow it (paths and depths rewritten)', async () => {
      // Zones may hang under the city: move 610118-Z1 up to the city, then back.
      const zone = ids.get('610118-Z1')!;
      const up = await t.gql(UPDATE, { id: zone, input: { parentId: ids.get('610100') } }, { token: cityAdmin });
      expect(up.body.data!.updateOrgUnit.parent).toEqual({ code: '610100' });
      const [row] = await db.query(`SELECT path, depth FROM org_unit WHERE id = $1`, [zone]);
      expect(row).toEqual({ path: `/${ids.get('610100')}/${zone}/`, depth: 1 });
      await t.gql(UPDATE, { id: zone, input: { parentId: ids.get('610118') } }, { token: cityAdmin });
      const [back] = await db.query(`SELECT path, depth FROM org_unit WHERE id = $1`, [zone]);
      expect(back).toEqual({ path: `/${ids.get('610100')}/${ids.get('610118')}/${zone}/`, depth: 2 });
    });

    it('refuses a duplicate code with CONFLICT from the unique index', async () => {
      const res = await t.gql(CREATE, { input: { code: '610116-Z1', name: '重复', tier: 'ZONE', parentId: ids.get('610116') } }, { token: cityAdmin });
      expect(res.body.data).toBeNull();
      expect(res.body.errors![0].message).toBe('A unit with this code already exists');
      expect(res.body.errors![0].extensions).toEqual({ code: 'CONFLICT', constraint: 'org_unit_code_key' });
    });

    it('the CLI org-units:create applies the same rules', async () => {
      const bad = await cli(t, 'org-units:create', '--code', 'CLI-D', '--name', 'x', '--tier', 'district', '--parent', '610116-Z1');
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('--input.parentId: a DISTRICT cannot be placed under a ZONE');
      const ok = await cli(t, 'org-units:create', '--code', '610124-Z2', '--name', '周至测试园', '--tier', 'ZONE', '--parent', '610124', '--industries', 'FOOD,NEV');
      expect(ok.code).toBe(0);
      expect(ok.out).toMatch(/^Created ZONE 610124-Z2 周至测试园 \([0-9a-f-]{36}\)$/);
      const unit = await t.app.get(OrgUnitService).findByCode('610124-Z2');
      expect(unit).toMatchObject({ tier: 'ZONE', parentId: ids.get('610124'), leadingIndustryCodes: ['FOOD', 'NEV'] });
    });
  });

  describe('deactivation', () => {
    it('refuses to deactivate a unit with active children (CONFLICT)', async () => {
      const res = await t.gql(UPDATE, { id: ids.get('610116'), input: { active: false } }, { token: cityAdmin });
      expect(res.body.errors![0].message).toBe('The unit still has active child units');
      expect(res.body.errors![0].extensions).toEqual({ code: 'CONFLICT', reason: 'ACTIVE_CHILDREN' });
      const [row] = await db.query(`SELECT active FROM org_unit WHERE code = '610116'`);
      expect(row.active).toBe(true);
    });

    it('refuses to deactivate a unit with active users, and allows it once they are deactivated', async () => {
      const zone = ids.get('610122-Z1')!;
      await t.app.get(UserService).create({ username: 'lantian-officer', password: 'long-enough-pw', unitCode: '610122-Z1', role: 'OFFICER' });
      const refused = await t.gql(UPDATE, { id: zone, input: { active: false } }, { token: cityAdmin });
      expect(refused.body.errors![0].extensions).toEqual({ code: 'CONFLICT', reason: 'ACTIVE_USERS' });

      await t.app.get(UserService).setActive('lantian-officer', false);
      const done = await t.gql(UPDATE, { id: zone, input: { active: false } }, { token: cityAdmin });
      expect(done.body.errors).toBeUndefined();
      expect(done.body.data!.updateOrgUnit.active).toBe(false);
    });

    it('refuses new children and users under an inactive unit, and reactivation under an inactive parent', async () => {
      // 610122 now has no active zone: deactivate it too.
      const district = await t.gql(UPDATE, { id: ids.get('610122'), input: { active: false } }, { token: cityAdmin });
      expect(district.body.errors).toBeUndefined();

      const child = await t.gql(CREATE, { input: { code: '610122-Z5', name: 'x', tier: 'ZONE', parentId: ids.get('610122') } }, { token: cityAdmin });
      expect(child.body.errors![0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ path: 'input.parentId', message: 'the parent unit is inactive' }],
      });
      const zoneBack = await t.gql(UPDATE, { id: ids.get('610122-Z1'), input: { active: true } }, { token: cityAdmin });
      expect(zoneBack.body.errors![0].extensions!.fields).toEqual([
        { path: 'input.active', message: 'the parent unit is inactive; activate it first' },
      ]);
      await expect(
        t.app.get(UserService).create({ username: 'late-user', password: 'long-enough-pw', unitCode: '610122', role: 'VIEWER' }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'unit', message: 'the unit is inactive' }] });

      // Parent first, then the child: fine.
      await t.gql(UPDATE, { id: ids.get('610122'), input: { active: true } }, { token: cityAdmin });
      const ok = await t.gql(UPDATE, { id: ids.get('610122-Z1'), input: { active: true } }, { token: cityAdmin });
      expect(ok.body.data!.updateOrgUnit.active).toBe(true);
    });

    it('a deactivation racing a new child never leaves an active child under an inactive unit', async () => {
      const svc = t.app.get(OrgUnitService);
      for (let i = 0; i < 5; i++) {
        const d = await t.gql(CREATE, { input: { code: `610100-R${i}`, name: `race ${i}`, tier: 'ZONE', parentId: ids.get('610100') } }, { token: cityAdmin });
        // A zone has no children tier below it, so race a user instead: create vs deactivate.
        const zoneId = d.body.data!.createOrgUnit.id as string;
        await Promise.allSettled([
          svc.update('system', zoneId, { active: false }),
          t.app.get(UserService).create({ username: `race-user-${i}`, password: 'long-enough-pw', unitCode: `610100-R${i}`, role: 'VIEWER' }),
        ]);
        const [row] = await db.query(
          `SELECT o.active, count(u.id) FILTER (WHERE u.active)::int AS users FROM org_unit o LEFT JOIN app_user u ON u.unit_id = o.id WHERE o.id = $1 GROUP BY o.active`,
          [zoneId],
        );
        expect(row.active === false && row.users > 0).toBe(false);
      }
    });
  });

  describe('who may manage the tree', () => {
    let districtAdmin: string;
    let officer: string;
    let partnerKey: string;
    beforeAll(async () => {
      districtAdmin = await userToken(t, 'yanta-admin', '610113', 'ADMIN');
      officer = await userToken(t, 'city-officer', '610100', 'OFFICER');
      partnerKey = await apiKey(t, 'org-partner', '610100', ['leads:read', 'leads:write']);
    });

    const forbidden = (res: Awaited<ReturnType<TestApp['gql']>>, message: string) => {
      expect(res.body.data).toBeNull();
      expect(res.body.errors![0]).toMatchObject({ message, extensions: { code: 'FORBIDDEN' } });
      expect(Object.keys(res.body.errors![0].extensions!)).toEqual(['code']);
    };

    it('refuses non-admins and API clients before looking at the input', async () => {
      const input = { code: 'NOPE-1', name: 'x', tier: 'ZONE', parentId: 'garbage' };
      forbidden(await t.gql(CREATE, { input }, { token: officer }), 'Only administrators manage the organisation');
      forbidden(await t.gql(CREATE, { input }, { apiKey: partnerKey }), 'Only administrators manage the organisation');
      forbidden(
        await t.gql(UPDATE, { id: ids.get('610113-Z1'), input: { name: 'x' } }, { token: officer }),
        'Only administrators manage the organisation',
      );
    });

    it('lets a district admin manage their own subtree only', async () => {
      const own = await t.gql(CREATE, { input: { code: '610113-Z7', name: '雁塔新园', tier: 'ZONE', parentId: ids.get('610113'), leadingIndustryCodes: ['SOFTWARE'] } }, { token: districtAdmin });
      expect(own.body.errors).toBeUndefined();
      const renamed = await t.gql(UPDATE, { id: ids.get('610113-Z1'), input: { name: '雁塔科技产业园(改)' } }, { token: districtAdmin });
      expect(renamed.body.data!.updateOrgUnit.name).toBe('雁塔科技产业园(改)');

      const msg = 'The unit is outside your part of the organisation';
      forbidden(
        await t.gql(CREATE, { input: { code: '610112-Z7', name: 'x', tier: 'ZONE', parentId: ids.get('610112') } }, { token: districtAdmin }),
        msg,
      );
      forbidden(await t.gql(UPDATE, { id: ids.get('610112-Z1'), input: { name: 'x' } }, { token: districtAdmin }), msg);
      forbidden(await t.gql(UPDATE, { id: ids.get('610100'), input: { name: 'x' } }, { token: districtAdmin }), msg);
      // Moving its own zone out to another district needs rights over the destination too.
      forbidden(
        await t.gql(UPDATE, { id: own.body.data!.createOrgUnit.id, input: { parentId: ids.get('610112') } }, { token: districtAdmin }),
        msg,
      );
      forbidden(await t.gql(CREATE, { input: { code: 'X-CITY', name: 'x', tier: 'CITY' } }, { token: districtAdmin }), msg);
      const [row] = await db.query(`SELECT name, parent_id FROM org_unit WHERE code = '610113-Z7'`);
      expect(row.parent_id).toBe(ids.get('610113'));
    });

    it('answers NOT_FOUND for an unknown or malformed id', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const res = await t.gql(UPDATE, { id, input: { name: 'x' } }, { token: cityAdmin });
        expect(res.body.errors![0]).toMatchObject({ message: 'Org unit not found', extensions: { code: 'NOT_FOUND' } });
      }
    });

    it('refuses anonymous callers', async () => {
      const res = await t.gql(`{ orgUnits { code } }`);
      expect(res.body.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    });
  });
});
