/**
 * withdrawReferral and units by code in referLead / assignLead (docs/leads-api.md "Mutations").
 */
import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { withDb } from './support/pg';

describe('leads: withdrawing referrals, units by code', () => {
  let t: TestApp;
  let zone1: string;
  let zone1Viewer: string;
  let zone2: string;
  let district: string;
  let outsider: string;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    [zone1, zone1Viewer, zone2, district, outsider] = await Promise.all([
      userToken(t, 'wr-z1o', '610115-Z1', 'OFFICER'),
      userToken(t, 'wr-z1v', '610115-Z1', 'VIEWER'),
      userToken(t, 'wr-z2o', '610115-Z2', 'OFFICER'),
      userToken(t, 'wr-dm', '610115', 'MANAGER'),
      userToken(t, 'wr-oz', '610117-Z1', 'OFFICER'),
    ]);
  });
  afterAll(() => t?.close());

  const newLead = async (title: string) => {
    const res = await t.gql(
      `mutation($input: CreateLeadInput!) { createLead(input: $input) { id version } }`,
      { input: { title, industryCode: 'IC', investor: { name: `${title}有限公司` } } },
      { token: zone1 },
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.createLead as { id: string; version: number };
  };
  const refer = (token: string, id: string, args: string) =>
    t.gql(`mutation($id: ID!) { referLead(id: $id, ${args}) { id status toUnit { code } } }`, { id }, { token });
  const withdraw = (token: string, id: string) =>
    t.gql(`mutation($id: ID!) { withdrawReferral(id: $id, note: "撤回") { id status responseNote } }`, { id }, { token });
  const seesLead = async (token: string, id: string) =>
    (await t.gql(`query($id: ID!) { lead(id: $id) { id } }`, { id }, { token })).body.data!.lead !== null;
  const code = (res: { body: { errors?: { extensions?: Record<string, any> }[] } }) => res.body.errors?.[0]?.extensions?.code;
  const paths = (res: { body: { errors?: { extensions?: Record<string, any> }[] } }) =>
    ((res.body.errors?.[0]?.extensions?.fields ?? []) as { path: string }[]).map((f) => f.path).sort();

  it('referLead takes the receiving unit by code; exactly one of toUnitId and toUnitCode', async () => {
    const lead = await newLead('按代码流转');
    const byCode = await refer(zone1, lead.id, 'toUnitCode: "610115-Z2"');
    expect(byCode.body.errors).toBeUndefined();
    expect(byCode.body.data!.referLead).toMatchObject({ status: 'PENDING', toUnit: { code: '610115-Z2' } });

    const both = await refer(zone1, lead.id, 'toUnitId: "00000000-0000-4000-8000-000000000000", toUnitCode: "610117-Z1"');
    expect(code(both)).toBe('BAD_USER_INPUT');
    expect(paths(both)).toEqual(['toUnitCode', 'toUnitId']);
    const neither = await refer(zone1, lead.id, 'note: "x"');
    expect(code(neither)).toBe('BAD_USER_INPUT');
    expect(paths(neither)).toEqual(['toUnitCode', 'toUnitId']);
    const unknown = await refer(zone1, lead.id, 'toUnitCode: "999999-ZZ"');
    expect(code(unknown)).toBe('BAD_USER_INPUT');
    expect(paths(unknown)).toEqual(['toUnitCode']);
    const nul = await refer(zone1, lead.id, 'toUnitCode: "6101\\u0000"');
    expect(code(nul)).toBe('BAD_USER_INPUT');
    // No partial write: still one referral of the lead.
    const n = await withDb(t, async (c) => (await c.query(`SELECT count(*)::int AS n FROM lead_referral WHERE lead_id = $1`, [lead.id])).rows[0].n);
    expect(n).toBe(1);
  });

  it('assignLead takes the unit by code; exactly one of unitId and unitCode', async () => {
    const lead = await newLead('按代码指派');
    const assign = (args: string) =>
      t.gql(`mutation($id: ID!) { assignLead(id: $id, ${args}) { assignedUnits { code } } }`, { id: lead.id }, { token: district });
    const neither = await assign('');
    expect(code(neither)).toBe('BAD_USER_INPUT');
    expect(paths(neither)).toEqual(['unitCode', 'unitId']);
    const both = await assign('unitId: "00000000-0000-4000-8000-000000000000", unitCode: "610115-Z2"');
    expect(paths(both)).toEqual(['unitCode', 'unitId']);
    const outside = await assign('unitCode: "610117-Z1"');
    expect(code(outside)).toBe('BAD_USER_INPUT');
    expect(paths(outside)).toEqual(['unitCode']);
    const ok = await assign('unitCode: "610115-Z2"');
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data!.assignLead.assignedUnits).toEqual([{ code: '610115-Z2' }]);
  });

  it('withdrawReferral: the referring unit takes back a PENDING offer; the receiver loses sight of the lead', async () => {
    const lead = await newLead('撤回流转');
    const ref = (await refer(zone1, lead.id, 'toUnitCode: "610117-Z1"')).body.data!.referLead;
    expect(await seesLead(outsider, lead.id)).toBe(true);

    // The receiving unit may not withdraw, a viewer of the referring unit may not, others do not know it.
    expect(code(await withdraw(outsider, ref.id))).toBe('FORBIDDEN');
    expect(code(await withdraw(zone1Viewer, ref.id))).toBe('FORBIDDEN');
    expect(code(await withdraw(zone2, ref.id))).toBe('NOT_FOUND');
    expect(code(await withdraw(zone1, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    expect(code(await withdraw(zone1, 'not-an-id'))).toBe('NOT_FOUND');

    const done = await withdraw(zone1, ref.id);
    expect(done.body.errors).toBeUndefined();
    expect(done.body.data!.withdrawReferral).toEqual({ id: ref.id, status: 'WITHDRAWN', responseNote: '撤回' });
    expect(await seesLead(outsider, lead.id)).toBe(false);
    expect(code(await withdraw(zone1, ref.id))).toBe('CONFLICT');
    const answer = await t.gql(`mutation($r: ID!) { respondToReferral(referralId: $r, accept: true) { id } }`, { r: ref.id }, { token: outsider });
    // The receiving unit still lists the referral (lead: null), so it learns it is no longer pending.
    expect(code(answer)).toBe('CONFLICT');

    const history = (await t.gql(`query($id: ID!) { lead(id: $id) { history { action note } } }`, { id: lead.id }, { token: zone1 })).body.data!.lead.history;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['CREATED', 'REFERRED', 'REFERRAL_WITHDRAWN']);
    const events = await withDb(t, async (c) =>
      (await c.query(`SELECT type FROM outbox_event WHERE lead_id = $1 ORDER BY id`, [lead.id])).rows.map((r) => r.type),
    );
    expect(events).toEqual(['lead.created', 'lead.referred', 'lead.referral_withdrawn']);
    // A new offer to the same unit is possible again.
    expect((await refer(zone1, lead.id, 'toUnitCode: "610117-Z1"')).body.errors).toBeUndefined();
  });

  it('a manager above the referring unit may withdraw; an answered referral cannot be withdrawn', async () => {
    const lead = await newLead('上级撤回');
    const ref = (await refer(zone1, lead.id, 'toUnitCode: "610115-Z2"')).body.data!.referLead;
    const accepted = await t.gql(`mutation($r: ID!) { respondToReferral(referralId: $r, accept: true) { status } }`, { r: ref.id }, { token: zone2 });
    expect(accepted.body.data!.respondToReferral.status).toBe('ACCEPTED');
    expect(code(await withdraw(zone1, ref.id))).toBe('CONFLICT');

    const lead2 = await newLead('上级撤回二');
    const ref2 = (await refer(zone1, lead2.id, 'toUnitCode: "610117-Z1"')).body.data!.referLead;
    expect((await withdraw(district, ref2.id)).body.data!.withdrawReferral.status).toBe('WITHDRAWN');
  });
});
