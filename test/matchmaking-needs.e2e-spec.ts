import { randomUUID } from 'node:crypto';
import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { flow } from './matchmaking-flow';
import { needsFlow } from './matchmaking-needs-flow';

describe('needs and offers at a matchmaking event', () => {
  let t: TestApp;
  let f: ReturnType<typeof flow>;
  let n: ReturnType<typeof needsFlow>;
  let z1o: string; // 610115-Z1 officer (participant)
  let z1v: string; // 610115-Z1 viewer
  let z2o: string; // 610115-Z2 officer (participant)
  let a1o: string; // 610116-Z1 officer (participant, another district)
  let outo: string; // 610116-Z2 officer (not taking part)
  let d1m: string; // 610115 district manager (host)
  let unit: Record<string, string>;
  let eventId: string;
  let offerLead: { id: string; version: number };
  let offerId: string;

  const count = async (sql: string) => Number((await t.sql(`SELECT count(*)::int AS n FROM ${sql}`))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    f = flow(t);
    n = needsFlow(t);
    await seedXian(t.app);
    [z1o, z1v, z2o, a1o, outo, d1m] = await Promise.all([
      userToken(t, 'no-z1o', '610115-Z1', 'OFFICER'),
      userToken(t, 'no-z1v', '610115-Z1', 'VIEWER'),
      userToken(t, 'no-z2o', '610115-Z2', 'OFFICER'),
      userToken(t, 'no-a1o', '610116-Z1', 'OFFICER'),
      userToken(t, 'no-outo', '610116-Z2', 'OFFICER'),
      userToken(t, 'no-d1m', '610115', 'MANAGER'),
    ]);
    const rows: { id: string; code: string }[] = await t.sql(`SELECT id, code FROM org_unit`);
    unit = Object.fromEntries(rows.map((r) => [r.code, r.id]));
    const created = await f.createEvent(d1m, { participatingUnitIds: [unit['610115-Z1'], unit['610115-Z2'], unit['610116-Z1']] });
    const ev = created.body.data!.createMatchmakingEvent;
    eventId = ev.id;
    const opened = await f.updateEvent(d1m, ev.id, ev.version, { status: 'OPEN' });
    expect(opened.body.errors).toBeUndefined();
    offerLead = await f.createLead(z1o, '新能源电池包项目'); // PRIVATE to the 610115-Z1 chain
  });
  afterAll(() => t?.close());

  it('refuses bad input with every field typed, writing nothing', async () => {
    const hidden = await f.createLead(z2o, '新丰冷链物流项目'); // PRIVATE to 610115-Z2: z1o cannot see it
    const bad = await n.post(z1o, {
      eventId,
      kind: 'NEED',
      leadId: offerLead.id,
      industryCode: 'NOPE',
      landAreaMu: '-1',
      floorSpaceSqm: '12.345',
      description: ' x ',
    });
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors![0].extensions!.fields).toEqual(
      expect.arrayContaining([
        { path: 'input.industryCode', message: 'is not an active INDUSTRY code' },
        { path: 'input.landAreaMu', message: 'must be a number ≥ 0 with at most 2 decimals and 10 integer digits' },
        { path: 'input.floorSpaceSqm', message: 'must be a number ≥ 0 with at most 2 decimals and 12 integer digits' },
        { path: 'input.description', message: 'must be 2 to 2000 characters' },
        { path: 'input.leadId', message: 'only an OFFER names a lead' },
      ]),
    );
    expect(bad.body.errors![0].extensions!.fields).toHaveLength(5);
    // An invisible lead is refused exactly as one that does not exist.
    const invisible = await n.post(z1o, { eventId, kind: 'OFFER', leadId: hidden.id });
    const missing = await n.post(z1o, { eventId, kind: 'OFFER', leadId: randomUUID() });
    expect(invisible.body.errors?.[0].extensions?.fields).toEqual([{ path: 'input.leadId', message: 'no such lead' }]);
    expect(missing.body.errors?.[0].extensions?.fields).toEqual(invisible.body.errors?.[0].extensions?.fields);
    const noUnit = await n.post(z1o, { eventId, kind: 'NEED', unitId: randomUUID() });
    expect(noUnit.body.errors?.[0].extensions?.fields).toEqual([{ path: 'input.unitId', message: 'no such active unit' }]);
    const noEvent = await n.post(z1o, { eventId: randomUUID(), kind: 'NEED' });
    expect(noEvent.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await count('event_need_offer')).toBe(0);
    expect(await count(`outbox_event WHERE payload ? 'needOfferId'`)).toBe(0);
  });

  it('lets only units taking part post, as officers of the unit or managers above it', async () => {
    const outsider = await n.post(outo, { eventId, kind: 'NEED' });
    expect(outsider.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const viewer = await n.post(z1v, { eventId, kind: 'NEED' });
    expect(viewer.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // An officer cannot post for another participating unit.
    const forOther = await n.post(z1o, { eventId, kind: 'NEED', unitId: unit['610115-Z2'] });
    expect(forOther.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count('event_need_offer')).toBe(0);
  });

  it('posts an offer with its lead; a unit outside the lead chain sees the offer but no lead', async () => {
    const res = await n.post(z1o, { eventId, kind: 'OFFER', leadId: offerLead.id, landAreaMu: '120.5', floorSpaceSqm: '8000' });
    expect(res.body.errors).toBeUndefined();
    const offer = res.body.data!.postEventNeedOffer;
    expect(offer).toMatchObject({
      kind: 'OFFER',
      status: 'OPEN',
      landAreaMu: '120.50',
      floorSpaceSqm: '8000.00',
      unit: { code: '610115-Z1' },
      lead: { id: offerLead.id },
      event: { id: eventId },
      viewerCanWithdraw: true,
      referral: null,
    });
    offerId = offer.id;
    expect(await count(`outbox_event WHERE type = 'matchmaking.event_updated' AND payload->>'needOfferId' = '${offerId}'`)).toBe(1);

    for (const token of [a1o, outo]) {
      const list = (await n.list(token, eventId)).body.data!.eventNeedsOffers;
      expect(list).toEqual([expect.objectContaining({ id: offerId, lead: null, viewerCanWithdraw: false })]);
    }
    const onEvent = await t.gql(`query($id: ID!) { matchmakingEvent(id: $id) { needsOffers { id lead { id } } } }`, { id: eventId }, { token: outo });
    expect(onEvent.body.data!.matchmakingEvent.needsOffers).toEqual([{ id: offerId, lead: null }]);
    const direct = await t.gql(`query($id: ID!) { lead(id: $id) { id } }`, { id: offerLead.id }, { token: a1o });
    expect(direct.body.data!.lead).toBeNull();
  });

  it('answers an offer with a referral the receiving unit responds to', async () => {
    const outsider = await n.answer(outo, offerId);
    expect(outsider.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const own = await n.answer(z1o, offerId);
    expect(own.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    const withLead = await n.answer(a1o, offerId, { leadId: offerLead.id });
    expect(withLead.body.errors?.[0].extensions?.fields).toEqual([{ path: 'leadId', message: 'an offer is answered with the lead it names' }]);
    const noMessage = await n.answer(a1o, offerId, { message: '  ' });
    expect(noMessage.body.errors?.[0].extensions?.fields).toEqual([{ path: 'message', message: 'must be 1 to 2000 characters' }]);
    const otherUnit = await n.answer(a1o, offerId, { toUnitId: unit['610115-Z2'] }); // an officer answers only for its unit
    expect(otherUnit.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count('lead_referral')).toBe(0);
    expect((await t.sql(`SELECT status FROM event_need_offer WHERE id = $1`, [offerId]))[0].status).toBe('OPEN');

    const res = await n.answer(a1o, offerId, { message: '长安工业集中区有现成厂房' });
    expect(res.body.errors).toBeUndefined();
    const answered = res.body.data!.answerEventOffer;
    expect(answered).toMatchObject({
      status: 'ANSWERED',
      answeredByUnit: { code: '610116-Z1' },
      lead: { id: offerLead.id }, // the pending referral lets the receiving unit see the lead
      referral: { status: 'PENDING', note: '长安工业集中区有现成厂房', fromUnit: { code: '610115-Z1' }, toUnit: { code: '610116-Z1' } },
    });
    const referralId = answered.referral.id;
    const stored = await t.sql(`SELECT referral_id, answered_by_id IS NOT NULL AS by FROM event_need_offer WHERE id = $1`, [offerId]);
    expect(stored).toEqual([{ referral_id: referralId, by: true }]);
    const events = await t.sql(`SELECT type FROM outbox_event WHERE payload->>'referralId' = $1 ORDER BY id`, [referralId]);
    expect(events.map((e) => e.type)).toEqual(['lead.referred', 'matchmaking.event_updated']);

    const incoming = await t.gql(`{ referrals(direction: INCOMING) { edges { node { id lead { id } } } } }`, {}, { token: a1o });
    expect(incoming.body.data!.referrals.edges).toEqual([{ node: { id: referralId, lead: { id: offerLead.id } } }]);
    const accepted = await n.respond(a1o, referralId, true);
    expect(accepted.body.errors).toBeUndefined();
    expect(accepted.body.data!.respondToReferral).toMatchObject({ status: 'ACCEPTED', toUnit: { code: '610116-Z1' } });

    const again = await n.answer(z2o, offerId);
    expect(again.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    // The outsider still sees no lead through the answered offer, nor its referral.
    const list = (await n.list(outo, eventId)).body.data!.eventNeedsOffers;
    expect(list).toEqual([expect.objectContaining({ id: offerId, status: 'ANSWERED', lead: null, referral: null })]);
  });

  it('answers a need with a lead of the answering unit, referred to the posting unit', async () => {
    const posted = await n.post(z2o, { eventId, kind: 'NEED', landAreaMu: '300', description: '寻求食品深加工项目，有 300 亩工业用地' });
    expect(posted.body.errors).toBeUndefined();
    const need = posted.body.data!.postEventNeedOffer;
    expect(need).toMatchObject({ kind: 'NEED', status: 'OPEN', lead: null, unit: { code: '610115-Z2' } });

    const noLead = await n.answer(a1o, need.id);
    expect(noLead.body.errors?.[0].extensions?.fields).toEqual([{ path: 'leadId', message: 'is required to answer a need' }]);
    const toOther = await n.answer(a1o, need.id, { toUnitId: unit['610115-Z1'], leadId: offerLead.id });
    expect(toOther.body.errors?.[0].extensions?.fields).toEqual([{ path: 'toUnitId', message: 'a need is answered to the unit that posted it' }]);
    // 610116-Z1 may see and edit the lead it was referred (assigned) but not refer it on: referLead's rule, nothing written.
    const notOwner = await n.answer(a1o, need.id, { leadId: offerLead.id });
    expect(notOwner.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(notOwner.body.errors?.[0].message).toBe('Only the owning units refer a lead');
    expect(await count('lead_referral')).toBe(1);
    expect((await t.sql(`SELECT status FROM event_need_offer WHERE id = $1`, [need.id]))[0].status).toBe('OPEN');

    const own = await f.createLead(a1o, '长安速冻食品项目');
    const res = await n.answer(a1o, need.id, { leadId: own.id, message: '该项目更适合新丰工业园' });
    expect(res.body.errors).toBeUndefined();
    const answered = res.body.data!.answerEventOffer;
    expect(answered).toMatchObject({
      status: 'ANSWERED',
      answeredByUnit: { code: '610116-Z1' },
      referral: { status: 'PENDING', fromUnit: { code: '610116-Z1' }, toUnit: { code: '610115-Z2' }, lead: { id: own.id } },
    });
    const accepted = await n.respond(z2o, answered.referral.id, true);
    expect(accepted.body.data!.respondToReferral).toMatchObject({ status: 'ACCEPTED', toUnit: { code: '610115-Z2' } });
    const seen = await t.gql(`query($id: ID!) { lead(id: $id) { id viewerCanEdit } }`, { id: own.id }, { token: z2o });
    expect(seen.body.data!.lead).toEqual({ id: own.id, viewerCanEdit: true });
  });

  it('is withdrawn by the poster only, and a withdrawn posting cannot be answered', async () => {
    const need = (await n.post(z1o, { eventId, kind: 'NEED' })).body.data!.postEventNeedOffer;
    const other = await n.withdraw(z2o, need.id);
    expect(other.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const missing = await n.withdraw(z1o, randomUUID());
    expect(missing.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // The district manager above the posting unit may withdraw for it.
    const res = await n.withdraw(d1m, need.id);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.withdrawEventNeedOffer).toMatchObject({ status: 'WITHDRAWN', viewerCanWithdraw: false });
    const lead = await f.createLead(z2o, '新丰调味品项目');
    const answer = await n.answer(z2o, need.id, { leadId: lead.id });
    expect(answer.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await count(`lead_referral WHERE lead_id = '${lead.id}'`)).toBe(0);
    const twice = await n.withdraw(z1o, need.id);
    expect(twice.body.errors?.[0].extensions?.code).toBe('CONFLICT');
  });
});
