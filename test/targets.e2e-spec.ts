import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { flow } from './matchmaking-flow';

const YEAR = new Date().getFullYear();
const ROW = `unit { code } year target { signedCount signedInvestment landedCount landedInvestment version }
  actual { signed signedInvestment landed landedInvestment }
  percent { signedCount signedInvestment landedCount landedInvestment } signedNotLanded`;

describe('yearly targets, progress and the 签约未落地 watch', () => {
  let t: TestApp;
  let f: ReturnType<typeof flow>;
  let z1o: string;
  let z1m: string;
  let z2m: string;
  let d1m: string;
  let d2m: string;
  let cm: string;
  const unit: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    f = flow(t);
    await seedXian(t.app);
    [z1o, z1m, z2m, d1m, d2m, cm] = await Promise.all([
      userToken(t, 'tg-z1o', '610115-Z1', 'OFFICER'),
      userToken(t, 'tg-z1m', '610115-Z1', 'MANAGER'),
      userToken(t, 'tg-z2m', '610115-Z2', 'MANAGER'),
      userToken(t, 'tg-d1m', '610115', 'MANAGER'),
      userToken(t, 'tg-d2m', '610116', 'MANAGER'),
      userToken(t, 'tg-cm', '610100', 'MANAGER'),
    ]);
    for (const r of await t.sql(`SELECT id, code FROM org_unit WHERE code IN ('610115', '610115-Z1', '610115-Z2', '610100')`)) {
      unit[r.code] = r.id;
    }
  });
  afterAll(() => t?.close());

  const setTargets = (token: string, unitId: string, v: Partial<Record<string, unknown>> = {}) =>
    t.gql(
      `mutation($u: ID!, $y: Int!, $sc: Int!, $si: Decimal!, $lc: Int!, $li: Decimal!) {
         setUnitTargets(unitId: $u, year: $y, signedCount: $sc, signedInvestment: $si, landedCount: $lc, landedInvestment: $li) {
           unit { code } year signedCount signedInvestment landedCount landedInvestment version history { signedCount setByUnit { code } }
         }
       }`,
      { u: unitId, y: YEAR, sc: 4, si: '20000', lc: 2, li: '10000', ...v },
      { token },
    );
  const progress = (token: string, groupBy: string) =>
    t.gql(`query($y: Int!, $g: LeadStatsGroupBy!) { targetProgress(year: $y, groupBy: $g) { ${ROW} zones { ${ROW} } } }`, { y: YEAR, g: groupBy }, { token });
  const stats = (token: string, groupBy: string) =>
    t.gql(`query($y: Int!, $g: LeadStatsGroupBy!) { leadStats(year: $y, groupBy: $g) { unit { code } signed signedInvestment landed landedInvestment } }`, { y: YEAR, g: groupBy }, { token });

  it('lets managers set their own unit’s targets and the tier above set its children’s, with history', async () => {
    expect((await setTargets(z1o, unit['610115-Z1'])).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await setTargets(z2m, unit['610115-Z1'])).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await setTargets(d2m, unit['610115-Z1'])).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // The city is two tiers above a district's zone: not its child.
    expect((await setTargets(cm, unit['610115-Z1'])).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bad = await setTargets(z1m, unit['610115-Z1'], { y: 1999, sc: -1, si: '1.234' });
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors![0].extensions!.fields!.map((x) => x.path).sort()).toEqual(['signedCount', 'signedInvestment', 'year']);
    expect(await t.sql(`SELECT 1 FROM unit_target`)).toHaveLength(0);

    const own = await setTargets(z1m, unit['610115-Z1'], { sc: 3 });
    expect(own.body.errors).toBeUndefined();
    const byDistrict = await setTargets(d1m, unit['610115-Z1']);
    expect(byDistrict.body.errors).toBeUndefined();
    expect(byDistrict.body.data!.setUnitTargets).toMatchObject({
      unit: { code: '610115-Z1' },
      signedCount: 4,
      signedInvestment: '20000.00',
      version: 2,
      history: [
        { signedCount: 3, setByUnit: { code: '610115-Z1' } },
        { signedCount: 4, setByUnit: { code: '610115' } },
      ],
    });
    expect((await setTargets(cm, unit['610115'], { sc: 10, si: '50000', lc: 5, li: '30000' })).body.errors).toBeUndefined();
    const events = await t.sql(`SELECT count(*)::int AS n FROM outbox_event WHERE type = 'targets.set'`);
    expect(events[0].n).toBe(3);
  });

  it('reports progress with the very figures of leadStats, percentages and district roll-ups', async () => {
    // zone 1: two signed (one landed), zone 2: one signed but PRIVATE to zone 2's chain.
    const a = await f.createLead(z1o, '碳纤维项目', { investmentAmount: '6000', sharingScope: 'DISTRICT' });
    const b = await f.createLead(z1o, '光伏组件项目', { investmentAmount: '4000' });
    const c = await f.createLead(z2m, '食品冷链项目', { investmentAmount: '1000' });
    for (const [token, lead, stages] of [
      [z1o, a, ['NEGOTIATING', 'SIGNED', 'LANDED']],
      [z1o, b, ['NEGOTIATING', 'SIGNED']],
      [z2m, c, ['NEGOTIATING', 'SIGNED']],
    ] as const) {
      let v = lead.version;
      for (const s of stages) {
        const r = await f.stage(token, lead.id, v, s);
        expect(r.body.errors).toBeUndefined();
        v = r.body.data!.changeLeadStage.version;
      }
    }
    for (const [token, groupBy] of [
      [d1m, 'ZONE'],
      [d1m, 'DISTRICT'],
      [z1o, 'ZONE'],
      [z2m, 'ZONE'],
      [cm, 'DISTRICT'],
    ] as const) {
      const p = (await progress(token, groupBy)).body.data!.targetProgress as any[];
      const s = (await stats(token, groupBy)).body.data!.leadStats as any[];
      expect(p.map((r) => ({ unit: r.unit, ...r.actual }))).toEqual(s.map((r) => ({ unit: r.unit, signed: r.signed, signedInvestment: r.signedInvestment, landed: r.landed, landedInvestment: r.landedInvestment })));
    }
    const zones = (await progress(d1m, 'ZONE')).body.data!.targetProgress as any[];
    const z1 = zones.find((r) => r.unit.code === '610115-Z1');
    expect(z1.actual).toEqual({ signed: 2, signedInvestment: '10000.00', landed: 1, landedInvestment: '6000.00' });
    expect(z1.percent).toEqual({ signedCount: 50, signedInvestment: 50, landedCount: 50, landedInvestment: 60 });
    const z2 = zones.find((r) => r.unit.code === '610115-Z2');
    expect(z2.target).toBeNull();
    expect(z2.percent).toEqual({ signedCount: null, signedInvestment: null, landedCount: null, landedInvestment: null });

    const districts = (await progress(cm, 'DISTRICT')).body.data!.targetProgress as any[];
    const d = districts.find((r) => r.unit.code === '610115');
    expect(d.actual).toEqual({ signed: 3, signedInvestment: '11000.00', landed: 1, landedInvestment: '6000.00' });
    expect(d.percent.signedCount).toBe(30);
    expect(d.zones.map((z: any) => z.unit.code).sort()).toEqual(['610115-Z1', '610115-Z2']);
    expect(d.zones.find((z: any) => z.unit.code === '610115-Z1').actual.signed).toBe(2);

    // zone 1 cannot see zone 2's PRIVATE signing: it is missing from zone 1's figures as from leadStats.
    const z1view = (await progress(z1o, 'ZONE')).body.data!.targetProgress as any[];
    expect(z1view.map((r) => r.unit.code)).toEqual(['610115-Z1']);
    expect((await progress(d2m, 'DISTRICT')).body.data!.targetProgress.map((r: any) => r.unit.code)).toEqual(['610116']);
  });

  it('attributes a landing to its landing zone with attribution: LANDING_ZONE, in leadStats and targetProgress alike', async () => {
    const lead = await f.createLead(z1o, '跨园区落地项目', { investmentAmount: '700' });
    let v = lead.version;
    for (const s of ['NEGOTIATING', 'SIGNED']) v = (await f.stage(z1o, lead.id, v, s)).body.data!.changeLeadStage.version;
    const assigned = await t.gql(`mutation($id: ID!) { assignLead(id: $id, unitCode: "610115-Z2") { version } }`, { id: lead.id }, { token: d1m });
    expect(assigned.body.errors).toBeUndefined();
    const landed = await t.gql(
      `mutation($id: ID!, $v: Int!, $l: ID) { changeLeadStage(id: $id, version: $v, stage: LANDED, landingUnitId: $l) { stage } }`,
      { id: lead.id, v: assigned.body.data!.assignLead.version, l: unit['610115-Z2'] },
      { token: z1o },
    );
    expect(landed.body.errors).toBeUndefined();
    const q = (field: string, attribution: string) =>
      t.gql(
        `query($y: Int!, $a: LeadStatsAttribution) { ${field}(year: $y, groupBy: ZONE, attribution: $a) { unit { code } ${field === 'leadStats' ? 'landed landedInvestment' : 'actual { landed landedInvestment }'} } }`,
        { y: YEAR, a: attribution },
        { token: d1m },
      );
    const pick = (rows: any[], code: string) => {
      const r = rows.find((x) => x.unit.code === code);
      return r.actual ?? { landed: r.landed, landedInvestment: r.landedInvestment };
    };
    for (const field of ['leadStats', 'targetProgress']) {
      const owner = (await q(field, 'OWNER')).body.data![field];
      expect(pick(owner, '610115-Z1')).toEqual({ landed: 2, landedInvestment: '6700.00' });
      expect(pick(owner, '610115-Z2')).toEqual({ landed: 0, landedInvestment: '0.00' });
      const zone = (await q(field, 'LANDING_ZONE')).body.data![field];
      expect(pick(zone, '610115-Z1')).toEqual({ landed: 1, landedInvestment: '6000.00' });
      expect(pick(zone, '610115-Z2')).toEqual({ landed: 1, landedInvestment: '700.00' });
    }
  });

  it('flags leads signed more than SIGNED_NOT_LANDED_MONTHS ago and not landed, for those who may see them', async () => {
    const old = new Date();
    old.setUTCMonth(old.getUTCMonth() - 7);
    // Back-date two signings (one of them zone 2's private lead); the landed lead stays out of the watch.
    await t.sql(`UPDATE lead SET signed_at = $1 WHERE title IN ('光伏组件项目', '食品冷链项目')`, [old]);
    await t.sql(`UPDATE lead SET signed_at = $1 WHERE title = '碳纤维项目'`, [old]);
    const watch = (token: string) =>
      t.gql(`{ signedNotLandedLeads { totalCount edges { node { title signedNotLanded } } } }`, {}, { token });
    const z1 = (await watch(z1o)).body.data!.signedNotLandedLeads;
    expect(z1.totalCount).toBe(1);
    expect(z1.edges.map((e: any) => e.node)).toEqual([{ title: '光伏组件项目', signedNotLanded: true }]);
    const d1 = (await watch(d1m)).body.data!.signedNotLandedLeads;
    expect(d1.totalCount).toBe(2);
    expect((await watch(d2m)).body.data!.signedNotLandedLeads.totalCount).toBe(0);
    const zones = (await progress(d1m, 'ZONE')).body.data!.targetProgress as any[];
    expect(zones.find((r) => r.unit.code === '610115-Z1').signedNotLanded).toBe(1);
    expect(zones.find((r) => r.unit.code === '610115-Z2').signedNotLanded).toBe(1);
    const fresh = await t.gql(`{ leads(filter: { stages: [SIGNED] }) { edges { node { title signedNotLanded } } } }`, {}, { token: cm });
    expect(fresh.body.data!.leads.edges.every((e: any) => e.node.signedNotLanded === true)).toBe(true);

    // The same rule as a leads filter (both ways) and as a leadStats count, visibility included.
    const flagged = async (token: string, v: boolean) =>
      ((await t.gql(`query($v: Boolean) { leads(filter: { signedNotLanded: $v }) { totalCount edges { node { title signedNotLanded } } } }`, { v }, { token }))
        .body.data!.leads as { totalCount: number; edges: { node: { title: string; signedNotLanded: boolean } }[] });
    const z1f = await flagged(z1o, true);
    expect(z1f.edges.map((e) => e.node)).toEqual([{ title: '光伏组件项目', signedNotLanded: true }]);
    const d1f = await flagged(d1m, true);
    expect(d1f.edges.map((e) => e.node.title).sort()).toEqual(['光伏组件项目', '食品冷链项目'].sort());
    const d1n = await flagged(d1m, false);
    expect(d1n.totalCount).toBeGreaterThan(0);
    expect(d1n.edges.every((e) => !e.node.signedNotLanded)).toBe(true);
    expect((await flagged(d2m, true)).totalCount).toBe(0);
    const watchStats = async (token: string, g: string) =>
      ((await t.gql(`query($y: Int!, $g: LeadStatsGroupBy!) { leadStats(year: $y, groupBy: $g) { unit { code } signedNotLanded } }`, { y: YEAR, g }, { token }))
        .body.data!.leadStats as { unit: { code: string }; signedNotLanded: number }[]);
    const byCode = (rows: { unit: { code: string }; signedNotLanded: number }[]) => Object.fromEntries(rows.map((r) => [r.unit.code, r.signedNotLanded]));
    expect(byCode(await watchStats(d1m, 'ZONE'))).toMatchObject({ '610115-Z1': 1, '610115-Z2': 1 });
    expect(byCode(await watchStats(d1m, 'DISTRICT'))).toEqual({ '610115': 2 });
    expect(byCode(await watchStats(z1o, 'ZONE'))).toEqual({ '610115-Z1': 1 });
    expect(byCode(await watchStats(cm, 'DISTRICT'))).toMatchObject({ '610115': 2, '610116': 0 });
  });
});
