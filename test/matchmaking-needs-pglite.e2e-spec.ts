import { seedXian, startEmbeddedTestApp, userToken, type TestApp } from './support/harness';
import { flow } from './matchmaking-flow';
import { needsFlow } from './matchmaking-needs-flow';

// Post and answer on the embedded database of `npm start` (PGlite, one session): the answer nests
// ReferralService's transaction inside its own, so every read must go through the one session.
describe('needs and offers on the embedded database (PGlite)', () => {
  let t: TestApp;
  let z1o: string;
  let z2o: string;
  let a1o: string;
  let outo: string;
  let eventId: string;

  beforeAll(async () => {
    t = await startEmbeddedTestApp();
    await seedXian(t.app);
    const d1m = await userToken(t, 'pgn-d1m', '610115', 'MANAGER');
    z1o = await userToken(t, 'pgn-z1o', '610115-Z1', 'OFFICER');
    z2o = await userToken(t, 'pgn-z2o', '610115-Z2', 'OFFICER');
    a1o = await userToken(t, 'pgn-a1o', '610116-Z1', 'OFFICER');
    outo = await userToken(t, 'pgn-outo', '610116-Z2', 'OFFICER');
    const units: { id: string; code: string }[] = await t.sql(`SELECT id, code FROM org_unit WHERE code IN ('610115-Z1', '610115-Z2', '610116-Z1')`);
    const f = flow(t);
    const ev = (await f.createEvent(d1m, { participatingUnitIds: units.map((u) => u.id) })).body.data!.createMatchmakingEvent;
    eventId = ev.id;
  }, 120_000);
  afterAll(() => t?.close());

  it('posts an offer and a need, refuses bad input, and answers both with referrals', async () => {
    const f = flow(t);
    const n = needsFlow(t);
    const lead = await f.createLead(z1o, '嵌入式电池包项目');

    const bad = await n.post(z1o, { eventId, kind: 'OFFER', leadId: lead.id, industryCode: 'NOPE', landAreaMu: '-3' });
    expect(bad.body.errors?.[0].extensions?.fields?.map((x) => x.path).sort()).toEqual(['input.industryCode', 'input.landAreaMu']);
    const outsider = await n.post(outo, { eventId, kind: 'NEED' });
    expect(outsider.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.sql(`SELECT 1 FROM event_need_offer`)).toHaveLength(0);

    const offer = (await n.post(z1o, { eventId, kind: 'OFFER', leadId: lead.id, floorSpaceSqm: '5000' })).body.data!.postEventNeedOffer;
    expect((await n.list(a1o, eventId)).body.data!.eventNeedsOffers).toEqual([expect.objectContaining({ id: offer.id, lead: null })]);

    const started = Date.now();
    const answered = await n.answer(a1o, offer.id);
    expect(answered.body.errors).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(10_000); // no wait on the session the transaction holds
    const a = answered.body.data!.answerEventOffer;
    expect(a).toMatchObject({ status: 'ANSWERED', lead: { id: lead.id }, referral: { status: 'PENDING', toUnit: { code: '610116-Z1' } } });
    const accepted = await n.respond(a1o, a.referral.id, true);
    expect(accepted.body.data!.respondToReferral).toMatchObject({ status: 'ACCEPTED' });

    const need = (await n.post(z2o, { eventId, kind: 'NEED', landAreaMu: '200' })).body.data!.postEventNeedOffer;
    const own = await f.createLead(a1o, '嵌入式速冻食品项目');
    const refused = await n.answer(a1o, need.id, { leadId: lead.id }); // referred to 610116-Z1, not owned: referLead refuses
    expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.sql(`SELECT status FROM event_need_offer WHERE id = $1`, [need.id]))[0].status).toBe('OPEN');
    const ok = await n.answer(a1o, need.id, { leadId: own.id });
    expect(ok.body.errors).toBeUndefined();
    const r = ok.body.data!.answerEventOffer.referral;
    expect(r).toMatchObject({ fromUnit: { code: '610116-Z1' }, toUnit: { code: '610115-Z2' }, lead: { id: own.id } });
    expect((await n.respond(z2o, r.id, false, '用地指标不足')).body.data!.respondToReferral).toMatchObject({ status: 'DECLINED' });
  });
});
