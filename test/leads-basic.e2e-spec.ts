import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';

const LEAD_FIELDS = `id code title version stage sharingScope investmentAmount expectedLandingDate
  industry { code nameZh } attractionModes { code } capitalSource { code }
  investor { name uscc countryOrRegion } contacts { name phone } ownerUnit { code } assignedUnits { code }
  history { action changes { field oldValue newValue } } conflicts { match coordinatingUnit { code } otherLead { code } }
  createdBy { username } viewerCanEdit`;

describe('leads: core flows', () => {
  let t: TestApp;
  let zone1: string;
  let zone2: string;
  let district: string;
  let city: string;
  let zone1Viewer: string;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    zone1 = await userToken(t, 'zone1o', '610115-Z1', 'OFFICER');
    zone2 = await userToken(t, 'zone2o', '610115-Z2', 'OFFICER');
    district = await userToken(t, 'dist1m', '610115', 'MANAGER');
    city = await userToken(t, 'city1m', '610100', 'MANAGER');
    zone1Viewer = await userToken(t, 'zone1v', '610115-Z1', 'VIEWER');
  });
  afterAll(() => t?.close());

  const create = (token: string, input: Record<string, unknown>) =>
    t.gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { ${LEAD_FIELDS} } }`, { input }, { token });

  it('creates a lead owned by the caller unit with a readable code, history and outbox event', async () => {
    const res = await create(zone1, {
      title: '新能源电池项目',
      industryCode: 'NEV',
      capitalSourceCode: 'PRIVATE',
      attractionModeCodes: ['INDUSTRY_CHAIN', 'EVENT'],
      investor: { name: '比亚迪股份有限公司', uscc: '91440300192317458F', countryOrRegion: '中国' },
      investmentAmount: '150000.50',
      expectedLandingDate: '2027-06-30',
      contacts: [{ name: '张三', phone: '13800000000' }],
    });
    expect(res.body.errors).toBeUndefined();
    const lead = res.body.data!.createLead;
    expect(lead.code).toMatch(/^XA-\d{4}-\d{6}$/);
    expect(lead.ownerUnit.code).toBe('610115-Z1');
    expect(lead.investmentAmount).toBe('150000.50');
    expect(lead.expectedLandingDate).toBe('2027-06-30');
    expect(lead.stage).toBe('LEAD');
    expect(lead.sharingScope).toBe('PRIVATE');
    expect(lead.investor.uscc).toBe('91440300192317458F');
    expect(lead.contacts).toEqual([{ name: '张三', phone: '13800000000' }]);
    expect(lead.history[0].action).toBe('CREATED');
    expect(lead.createdBy.username).toBe('zone1o');
    const rows = await t.sql(`SELECT type FROM outbox_event WHERE lead_id = $1`, [lead.id]);
    expect(rows.map((r) => r.type)).toEqual(['lead.created']);
  });

  it('reports every invalid field with its path and writes nothing', async () => {
    const res = await create(zone1, {
      title: 'x',
      industryCode: 'NOPE',
      investor: { name: '某公司', uscc: '91440300192317458A' },
      investmentAmount: '-5',
      landAreaMu: '1.234',
      expectedLandingDate: '2027-02-30',
      contacts: [{ name: '', email: 'not-an-email' }],
    });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const paths = res.body.errors![0].extensions!.fields!.map((f) => f.path).sort();
    expect(paths).toEqual(
      [
        'input.title',
        'input.industryCode',
        'input.investor.uscc',
        'input.investmentAmount',
        'input.landAreaMu',
        'input.expectedLandingDate',
        'input.contacts.0.name',
        'input.contacts.0.email',
      ].sort(),
    );
  });

  it('hides private leads from siblings and shows them to ancestors; sharing widens', async () => {
    const { body } = await create(zone1, { title: '私有项目', industryCode: 'FOOD', investor: { name: '甲公司' } });
    const lead = body.data!.createLead;
    const get = (token: string) => t.gql(`query($id: ID!) { lead(id: $id) { code contacts { name } investor { uscc } } }`, { id: lead.id }, { token });
    expect((await get(zone2)).body.data!.lead).toBeNull();
    expect((await get(district)).body.data!.lead.code).toBe(lead.code);
    expect((await get(city)).body.data!.lead.code).toBe(lead.code);

    const shared = await t.gql(
      `mutation($id: ID!, $v: Int!) { shareLead(id: $id, version: $v, scope: DISTRICT) { sharingScope version } }`,
      { id: lead.id, v: lead.version },
      { token: zone1 },
    );
    expect(shared.body.data!.shareLead).toEqual({ sharingScope: 'DISTRICT', version: lead.version + 1 });
    const seen = (await get(zone2)).body.data!.lead;
    expect(seen.code).toBe(lead.code);
    expect(seen.contacts).toBeNull();

    // Narrowing back is for the owner chain: zone2 (sibling) may not, and cannot even edit.
    const narrow = await t.gql(
      `mutation($id: ID!, $v: Int!) { shareLead(id: $id, version: $v, scope: PRIVATE) { sharingScope } }`,
      { id: lead.id, v: lead.version + 1 },
      { token: zone2 },
    );
    expect(narrow.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('walks the funnel with gates and refuses stale versions', async () => {
    const { body } = await create(zone1, { title: '漏斗项目', industryCode: 'FOOD', investor: { name: '乙公司' } });
    let lead = body.data!.createLead;
    const stage = (token: string, stage: string, version: number, extra: Record<string, unknown> = {}) =>
      t.gql(
        `mutation($id: ID!, $v: Int!, $s: LeadStage!, $r: String, $l: ID) {
           changeLeadStage(id: $id, version: $v, stage: $s, lostReasonCode: $r, landingUnitId: $l) { stage version signedAt landedAt stageBeforeHold }
         }`,
        { id: lead.id, v: version, s: stage, ...extra },
        { token },
      );
    expect((await stage(zone1, 'SIGNED', lead.version)).body.errors?.[0].extensions?.fields?.[0].path).toBe('stage');
    let r = await stage(zone1, 'NEGOTIATING', lead.version);
    expect(r.body.data!.changeLeadStage.stage).toBe('NEGOTIATING');
    const v = r.body.data!.changeLeadStage.version;
    expect((await stage(zone1, 'SIGNED', v)).body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const upd = await t.gql(
      `mutation($id: ID!, $v: Int!) { updateLead(id: $id, version: $v, input: { investmentAmount: "8000" }) { version investmentAmount } }`,
      { id: lead.id, v },
      { token: zone1 },
    );
    expect(upd.body.data!.updateLead.investmentAmount).toBe('8000.00');
    const stale = await t.gql(
      `mutation($id: ID!, $v: Int!) { updateLead(id: $id, version: $v, input: { title: "改名" }) { version } }`,
      { id: lead.id, v },
      { token: zone1 },
    );
    expect(stale.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    r = await stage(zone1, 'SIGNED', v + 1);
    expect(r.body.data!.changeLeadStage.signedAt).not.toBeNull();
    r = await stage(zone1, 'ON_HOLD', v + 2);
    expect(r.body.data!.changeLeadStage.stageBeforeHold).toBe('SIGNED');
    r = await stage(zone1, 'SIGNED', v + 3);
    expect(r.body.data!.changeLeadStage.stage).toBe('SIGNED');
    r = await stage(zone1, 'LANDED', v + 4);
    expect(r.body.data!.changeLeadStage.landedAt).not.toBeNull();
    // Backwards is for managers of the owner chain.
    expect((await stage(zone1, 'NEGOTIATING', v + 5)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    r = await stage(district, 'NEGOTIATING', v + 5);
    expect(r.body.data!.changeLeadStage).toMatchObject({ stage: 'NEGOTIATING', signedAt: null, landedAt: null });
    expect((await stage(zone1, 'LOST', v + 6)).body.errors?.[0].extensions?.fields?.[0].path).toBe('lostReasonCode');
    r = await stage(zone1, 'LOST', v + 6, { r: 'NO_LAND' });
    expect(r.body.data!.changeLeadStage.stage).toBe('LOST');
    expect((await stage(zone1Viewer, 'LEAD', v + 7)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    lead = (await t.gql(`query($id: ID!) { lead(id: $id) { history { action } } }`, { id: lead.id }, { token: zone1 })).body.data!.lead;
    expect(lead.history.filter((h: { action: string }) => h.action === 'STAGE_CHANGED')).toHaveLength(7);
  });

  it('refers a lead, lets the receiver see it while pending, and assigns on acceptance', async () => {
    const { body } = await create(zone1, { title: '流转项目', industryCode: 'BIOMEDICINE', investor: { name: '丙公司' } });
    const lead = body.data!.createLead;
    const z2 = (await t.gql(`{ orgUnitByCode(code: "610115-Z2") { id } }`, {}, { token: zone2 })).body.data!.orgUnitByCode.id;
    const ref = await t.gql(
      `mutation($id: ID!, $to: ID!) { referLead(id: $id, toUnitId: $to, note: "更适合") { id status toUnit { code } lead { code } } }`,
      { id: lead.id, to: z2 },
      { token: zone1 },
    );
    expect(ref.body.data!.referLead).toMatchObject({ status: 'PENDING', toUnit: { code: '610115-Z2' } });
    const incoming = await t.gql(`{ referrals(direction: INCOMING) { totalCount edges { node { id lead { code } } } } }`, {}, { token: zone2 });
    expect(incoming.body.data!.referrals.edges[0].node.lead.code).toBe(lead.code);
    const dup = await t.gql(`mutation($id: ID!, $to: ID!) { referLead(id: $id, toUnitId: $to) { id } }`, { id: lead.id, to: z2 }, { token: zone1 });
    expect(dup.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    const ans = await t.gql(
      `mutation($r: ID!) { respondToReferral(referralId: $r, accept: true) { status lead { assignedUnits { code } } } }`,
      { r: ref.body.data!.referLead.id },
      { token: zone2 },
    );
    expect(ans.body.data!.respondToReferral).toEqual({ status: 'ACCEPTED', lead: { assignedUnits: [{ code: '610115-Z2' }] } });
  });

  it('raises a conflict to the nearest common ancestor when two units chase one investor', async () => {
    await create(zone1, { title: '冲突甲', industryCode: 'IC', investor: { name: '华为技术有限公司' } });
    const other = await userToken(t, 'gaoling1', '610117-Z1', 'OFFICER');
    const res = await create(other, { title: '冲突乙', industryCode: 'IC', investor: { name: '华为技术（中国）有限公司' } });
    // The other lead is private to another district: its owner is told nothing (docs/leads-api.md "Conflicts"),
    // not even in its history; the city, which coordinates, sees the conflict in full.
    expect(res.body.data!.createLead.conflicts).toEqual([]);
    expect(res.body.data!.createLead.history.map((h: { action: string }) => h.action)).toEqual(['CREATED']);
    const list = await t.gql(`{ conflicts(status: OPEN) { totalCount edges { node { id leads { code investor { name } } } } } }`, {}, { token: city });
    expect(list.body.data!.conflicts.totalCount).toBe(1);
    expect(list.body.data!.conflicts.edges[0].node.leads).toHaveLength(2);
    const districtView = await t.gql(`{ conflicts { totalCount } }`, {}, { token: district });
    expect(districtView.body.data!.conflicts.totalCount).toBe(0);
    const resolved = await t.gql(
      `mutation($id: ID!) { resolveConflict(id: $id, resolution: JOINT_PURSUIT, note: "联合招商") { status resolution } }`,
      { id: list.body.data!.conflicts.edges[0].node.id },
      { token: city },
    );
    expect(resolved.body.data!.resolveConflict).toEqual({ status: 'RESOLVED', resolution: 'JOINT_PURSUIT' });
  });

  it('pages leads with a total count and yearly stats', async () => {
    const page1 = await t.gql(`{ leads(first: 2) { totalCount edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }`, {}, { token: city });
    const conn = page1.body.data!.leads;
    expect(conn.totalCount).toBeGreaterThanOrEqual(5);
    expect(conn.edges).toHaveLength(2);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.gql(`query($a: String) { leads(first: 100, after: $a) { edges { node { code } } } }`, { a: conn.pageInfo.endCursor }, { token: city });
    const codes = [...conn.edges, ...page2.body.data!.leads.edges].map((e: { node: { code: string } }) => e.node.code);
    expect(new Set(codes).size).toBe(conn.totalCount);
    const stats = await t.gql(`{ leadStats(year: ${new Date().getFullYear()}, groupBy: DISTRICT) { unit { code } newLeads signed signedInvestment } }`, {}, { token: city });
    const lintong = stats.body.data!.leadStats.find((r: { unit: { code: string } }) => r.unit.code === '610115');
    expect(lintong.newLeads).toBeGreaterThanOrEqual(4);
    expect(stats.body.data!.leadStats).toHaveLength(13);
  });

  it('records activities for the owner chain and keeps a deactivated code readable on old leads', async () => {
    const admin = await userToken(t, 'cityadmin', '610100', 'ADMIN');
    const add = await t.gql(
      `mutation { createCodeItem(input: { kind: INDUSTRY, code: "SEMICONDUCTOR_EQUIPMENT", nameZh: "半导体设备", nameEn: "Semiconductor equipment" }) { code active } }`,
      {},
      { token: admin },
    );
    expect(add.body.data!.createCodeItem).toEqual({ code: 'SEMICONDUCTOR_EQUIPMENT', active: true });
    const { body } = await create(zone1, { title: '设备项目', industryCode: 'SEMICONDUCTOR_EQUIPMENT', investor: { name: '丁公司' } });
    const lead = body.data!.createLead;
    const act = await t.gql(
      `mutation($id: ID!) { addLeadActivity(leadId: $id, input: { kind: VISIT, occurredAt: "2026-03-01T02:00:00Z", summary: "实地考察", participants: ["李四"] }) { kind summary participants } }`,
      { id: lead.id },
      { token: zone1 },
    );
    expect(act.body.data!.addLeadActivity).toEqual({ kind: 'VISIT', summary: '实地考察', participants: ['李四'] });
    const deact = await t.gql(
      `mutation { updateCodeItem(input: { kind: INDUSTRY, code: "SEMICONDUCTOR_EQUIPMENT", active: false }) { active } }`,
      {},
      { token: admin },
    );
    expect(deact.body.data!.updateCodeItem.active).toBe(false);
    const read = await t.gql(
      `query($c: String!) { leadByCode(code: $c) { industry { code active } activities { totalCount edges { node { summary } } } } }`,
      { c: lead.code },
      { token: district },
    );
    expect(read.body.data!.leadByCode).toEqual({
      industry: { code: 'SEMICONDUCTOR_EQUIPMENT', active: false },
      activities: { totalCount: 1, edges: [{ node: { summary: '实地考察' } }] },
    });
    const again = await create(zone1, { title: '新设备项目', industryCode: 'SEMICONDUCTOR_EQUIPMENT', investor: { name: '戊公司' } });
    expect(again.body.errors?.[0].extensions?.fields).toEqual([{ path: 'input.industryCode', message: 'is not an active INDUSTRY code' }]);
    const officerTries = await t.gql(`mutation { updateCodeItem(input: { kind: INDUSTRY, code: "NEV", active: false }) { active } }`, {}, { token: district });
    expect(officerTries.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lets a district manager assign a lead to a zone below it, once', async () => {
    const { body } = await create(district, { title: '区级项目', industryCode: 'FOOD', investor: { name: '己公司' } });
    const lead = body.data!.createLead;
    const z1 = (await t.gql(`{ orgUnitByCode(code: "610115-Z1") { id } }`, {}, { token: district })).body.data!.orgUnitByCode.id;
    const other = (await t.gql(`{ orgUnitByCode(code: "610117-Z1") { id } }`, {}, { token: district })).body.data!.orgUnitByCode.id;
    const assign = (token: string, unitId: string) =>
      t.gql(`mutation($id: ID!, $u: ID!) { assignLead(id: $id, unitId: $u) { assignedUnits { code } version } }`, { id: lead.id, u: unitId }, { token });
    expect((await assign(district, other)).body.errors?.[0].extensions?.fields?.[0].path).toBe('unitId');
    // The zone cannot see the district's private lead at all: it looks like no lead.
    expect((await assign(zone1, z1)).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const ok = await assign(district, z1);
    expect(ok.body.data!.assignLead).toEqual({ assignedUnits: [{ code: '610115-Z1' }], version: lead.version + 1 });
    expect((await assign(district, z1)).body.errors?.[0].extensions?.code).toBe('CONFLICT');
    // The assigned zone now sees the contacts and may edit.
    const seen = await t.gql(`query($id: ID!) { lead(id: $id) { viewerCanEdit contacts { name } } }`, { id: lead.id }, { token: zone1 });
    expect(seen.body.data!.lead).toEqual({ viewerCanEdit: true, contacts: [] });
  });
});

