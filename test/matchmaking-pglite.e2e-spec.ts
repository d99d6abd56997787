import { seedXian, startEmbeddedTestApp, userToken, type TestApp } from './support/harness';
import { flow } from './matchmaking-flow';

// The core event flow on the embedded database of `npm start` (PGlite, one session): the signing
// nests LeadService's transactions inside its own, so every read must use the one session.
describe('matchmaking on the embedded database (PGlite)', () => {
  let t: TestApp;
  let zone: string;
  let district: string;

  beforeAll(async () => {
    t = await startEmbeddedTestApp();
    await seedXian(t.app);
    zone = await userToken(t, 'pg-z1o', '610115-Z1', 'OFFICER');
    district = await userToken(t, 'pg-d1m', '610115', 'MANAGER');
  }, 120_000);
  afterAll(() => t?.close());

  it('creates, opens, presents, refuses a gate failure and signs at the event', async () => {
    const f = flow(t);
    const created = await f.createEvent(district, {});
    expect(created.body.errors).toBeUndefined();
    const ev = created.body.data!.createMatchmakingEvent;
    const opened = await f.updateEvent(district, ev.id, ev.version, { status: 'OPEN' });
    expect(opened.body.errors).toBeUndefined();

    const lead = await f.createLead(zone, '嵌入式数据库项目');
    expect((await f.addLead(zone, ev.id, lead.id)).body.errors).toBeUndefined();
    const neg = (await f.stage(zone, lead.id, lead.version, 'NEGOTIATING')).body.data!.changeLeadStage;

    const started = Date.now();
    const refused = await f.sign(zone, ev.id, lead.id, neg.version);
    expect(refused.body.errors?.[0].extensions?.fields).toEqual([
      { path: 'stage', message: 'a lead needs an investment amount before it is SIGNED' },
    ]);
    const signed = await f.sign(zone, ev.id, lead.id, neg.version, '5000');
    expect(signed.body.errors).toBeUndefined();
    expect(signed.body.data!.recordEventSigning).toMatchObject({ stage: 'SIGNED', signedAtEvent: { id: ev.id } });
    expect(Date.now() - started).toBeLessThan(10_000); // no wait on the session the transaction holds

    const read = (await f.event(zone, ev.id)).body.data!.matchmakingEvent;
    expect(read.summary).toEqual({ leadsPresented: 1, signedAtEvent: 1, signedInvestment: '5000.00' });

    // The 签约未落地 filter and count on PGlite: back-date the signing past SIGNED_NOT_LANDED_MONTHS.
    const old = new Date();
    old.setUTCMonth(old.getUTCMonth() - 7);
    await t.sql(`UPDATE lead SET signed_at = $1 WHERE id = $2`, [old, lead.id]);
    const flagged = await t.gql(`{ leads(filter: { signedNotLanded: true }) { edges { node { id signedNotLanded } } } }`, {}, { token: zone });
    expect(flagged.body.data!.leads.edges).toEqual([{ node: { id: lead.id, signedNotLanded: true } }]);
    const y = new Date().getFullYear();
    const st = await t.gql(`query($y: Int!) { leadStats(year: $y, groupBy: DISTRICT) { unit { code } signedNotLanded } }`, { y }, { token: district });
    expect(st.body.data!.leadStats).toEqual([{ unit: { code: '610115' }, signedNotLanded: 1 }]);
  });

  it('imports leads in one transaction of savepoints, and exports them', async () => {
    const csv = (rows: string) => {
      const form = new FormData();
      form.append('file', new Blob([`项目名称,产业,投资方名称,外部编号\r\n${rows}`]), 'leads.csv');
      form.append('mode', 'ALL_OR_NOTHING');
      return fetch(`${t.baseUrl}/imports/leads`, { method: 'POST', headers: { authorization: `Bearer ${zone}` }, body: form });
    };
    const bad = await csv('嵌入导入一,NEV,嵌入一公司,E1\r\nx,NOPE,嵌入二公司,E2\r\n');
    expect(bad.status).toBe(422);
    expect(await t.sql(`SELECT 1 FROM lead WHERE title = '嵌入导入一'`)).toHaveLength(0);
    const ok = await csv('嵌入导入一,NEV,嵌入一公司,E1\r\n嵌入导入二,IC,嵌入二公司,E2\r\n');
    expect(await ok.json()).toMatchObject({ imported: 2, errors: [] });
    const again = await csv('嵌入导入一,NEV,嵌入一公司,E1\r\n');
    expect(await again.json()).toMatchObject({ imported: 0, alreadyImported: [2] });
    const exp = await fetch(`${t.baseUrl}/exports/leads.csv`, { headers: { authorization: `Bearer ${zone}` } });
    const text = Buffer.from(await exp.arrayBuffer()).toString('utf8');
    expect(text).toContain('嵌入导入二');
  });
});
