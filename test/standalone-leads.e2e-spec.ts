import { seedXian, startEmbeddedTestApp, userToken, type TestApp } from './support/harness';

/**
 * Lead flows on the embedded database of `npm start` (PGlite, one session). Every read a mutation
 * makes inside its transaction must run in that transaction: one that went through the DataSource
 * used to wait for the session its own transaction held, blocking everything for 60 s.
 */
describe('leads on the embedded database (PGlite)', () => {
  let t: TestApp;
  let zone1: string;

  beforeAll(async () => {
    t = await startEmbeddedTestApp();
    await seedXian(t.app);
    zone1 = await userToken(t, 'zone1o', '610115-Z1', 'OFFICER');
  }, 120_000);
  afterAll(() => t?.close());

  const create = async (title: string) => {
    const res = await t.gql(
      `mutation($input: CreateLeadInput!) { createLead(input: $input) { id version industry { code } } }`,
      { input: { title, industryCode: 'NEV', investmentAmount: '5000', investor: { name: `${title}公司` } } },
      { token: zone1 },
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.createLead as { id: string; version: number; industry: { code: string } };
  };
  const stage = async (id: string, s: string, version: number, extra: Record<string, unknown> = {}) => {
    const started = Date.now();
    const res = await t.gql(
      `mutation($id: ID!, $v: Int!, $s: LeadStage!, $r: String, $l: ID) {
         changeLeadStage(id: $id, version: $v, stage: $s, lostReasonCode: $r, landingUnitId: $l) { stage version landedAt }
       }`,
      { id, v: version, s, ...extra },
      { token: zone1 },
    );
    return { res, ms: Date.now() - started };
  };

  // First start on a fresh DATA_DIR: the enum types are created by migrations after PGlite opened.
  it('reads and writes enum arrays on the first run (code fields, leading industries)', async () => {
    const res = await t.gql(`{ orgUnitByCode(code: "610103-Z1") { leadingIndustries { code } } }`, {}, { token: zone1 });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.orgUnitByCode.leadingIndustries.map((c: { code: string }) => c.code)).toEqual(['SOFTWARE', 'ELECTRONICS']);
    const lead = await create('首次启动项目');
    expect(lead.industry).toEqual({ code: 'NEV' });
  }, 60_000);

  it('moves a lead to LANDED quickly (landing-zone check inside the transaction)', async () => {
    const lead = await create('落地项目');
    expect(lead.industry.code).toBe('NEV');
    let v = lead.version;
    for (const s of ['NEGOTIATING', 'SIGNED']) {
      const { res } = await stage(lead.id, s, v);
      expect(res.body.errors).toBeUndefined();
      v = res.body.data!.changeLeadStage.version;
    }
    const { res, ms } = await stage(lead.id, 'LANDED', v);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.changeLeadStage).toMatchObject({ stage: 'LANDED', landedAt: expect.any(String) });
    expect(ms).toBeLessThan(5_000);
    const ready = await fetch(`${t.baseUrl}/ready`);
    expect(ready.status).toBe(200);
  }, 60_000);

  it('moves a lead to LOST quickly (active lost-reason code validated inside the transaction)', async () => {
    const lead = await create('流失项目');
    const missing = await stage(lead.id, 'LOST', lead.version);
    expect(missing.res.body.errors?.[0].extensions?.fields?.[0].path).toBe('lostReasonCode');
    const { res, ms } = await stage(lead.id, 'LOST', lead.version, { r: 'NO_LAND' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.changeLeadStage.stage).toBe('LOST');
    expect(ms).toBeLessThan(5_000);
  }, 60_000);
});
