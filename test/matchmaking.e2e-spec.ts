import { randomUUID } from 'node:crypto';
import { apiKey, seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { flow } from './matchmaking-flow';

describe('matchmaking events (项目对接活动)', () => {
  let t: TestApp;
  let f: ReturnType<typeof flow>;
  let z1o: string; // 610115-Z1 officer
  let z1m: string; // 610115-Z1 manager
  let z2o: string; // 610115-Z2 officer (same district)
  let d1m: string; // 610115 district manager
  let d2m: string; // 610116 district manager (another district)
  let cm: string; // city manager
  let eventId: string;
  let eventVersion: number;

  beforeAll(async () => {
    t = await startTestApp();
    f = flow(t);
    await seedXian(t.app);
    [z1o, z1m, z2o, d1m, d2m, cm] = await Promise.all([
      userToken(t, 'mm-z1o', '610115-Z1', 'OFFICER'),
      userToken(t, 'mm-z1m', '610115-Z1', 'MANAGER'),
      userToken(t, 'mm-z2o', '610115-Z2', 'OFFICER'),
      userToken(t, 'mm-d1m', '610115', 'MANAGER'),
      userToken(t, 'mm-d2m', '610116', 'MANAGER'),
      userToken(t, 'mm-cm', '610100', 'MANAGER'),
    ]);
  });
  afterAll(() => t?.close());

  describe('who may create and change an event', () => {
    it('refuses officers, managers outside the host chain and bad input, writing nothing', async () => {
      const officer = await f.createEvent(z1o, {});
      expect(officer.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const zones = await t.sql(`SELECT id FROM org_unit WHERE code = '610115-Z1'`);
      const foreign = await f.createEvent(d2m, { hostUnitId: zones[0].id });
      expect(foreign.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const bad = await f.createEvent(z1m, {
        name: 'x',
        startsAt: '2026-02-02T00:00:00Z',
        endsAt: '2026-02-01T00:00:00Z',
        participatingUnitIds: [randomUUID()],
      });
      expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.body.errors![0].extensions!.fields!.map((x) => x.path).sort()).toEqual(
        ['input.endsAt', 'input.name', 'input.participatingUnitIds.0'].sort(),
      );
      expect(await t.sql(`SELECT 1 FROM matchmaking_event`)).toHaveLength(0);
    });

    it('lets a district manager host an event in a zone below, with an outbox event', async () => {
      const [z1, z2] = await t.sql(`SELECT id FROM org_unit WHERE code IN ('610115-Z1', '610115-Z2') ORDER BY code`);
      const zones = await t.sql(`SELECT id FROM org_unit WHERE code = '610115-Z1'`);
      const res = await f.createEvent(d1m, {
        hostUnitId: zones[0].id,
        participatingUnitIds: [z1.id, z2.id],
        externalParties: ['苏州工业园区', ' 昆山开发区 '],
      });
      expect(res.body.errors).toBeUndefined();
      const e = res.body.data!.createMatchmakingEvent;
      expect(e).toMatchObject({
        status: 'PLANNED',
        version: 1,
        hostUnit: { code: '610115-Z1' },
        externalParties: ['苏州工业园区', '昆山开发区'],
        viewerCanManage: true,
        summary: { leadsPresented: 0, signedAtEvent: 0, signedInvestment: '0.00' },
      });
      expect(e.participatingUnits.map((u: { code: string }) => u.code).sort()).toEqual(['610115-Z1', '610115-Z2']);
      eventId = e.id;
      eventVersion = e.version;
      const rows = await t.sql(`SELECT type, payload FROM outbox_event WHERE type LIKE 'matchmaking.%'`);
      expect(rows).toEqual([{ type: 'matchmaking.event_created', payload: expect.objectContaining({ eventId }) }]);
    });

    it('is changed by managers of the host chain only, with the version check', async () => {
      const officer = await f.updateEvent(z1o, eventId, eventVersion, { status: 'OPEN' });
      expect(officer.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const foreign = await f.updateEvent(d2m, eventId, eventVersion, { status: 'OPEN' });
      expect(foreign.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const stale = await f.updateEvent(z1m, eventId, eventVersion + 5, { status: 'OPEN' });
      expect(stale.body.errors?.[0].extensions?.code).toBe('CONFLICT');
      const ok = await f.updateEvent(cm, eventId, eventVersion, { place: '临潼国际会议中心' });
      expect(ok.body.errors).toBeUndefined();
      expect(ok.body.data!.updateMatchmakingEvent).toMatchObject({ version: 2, status: 'PLANNED' });
      eventVersion = 2;
      // The zone officer sees the event but may not manage it.
      const seen = await f.event(z1o, eventId);
      expect(seen.body.data!.matchmakingEvent).toMatchObject({ id: eventId, viewerCanManage: false });
    });

    it('lists events with a keyset cursor and a filter', async () => {
      await f.createEvent(cm, { name: '校友经济对接会', kind: 'ALUMNI', startsAt: '2026-03-01T01:00:00Z', endsAt: '2026-03-01T09:00:00Z' });
      await f.createEvent(cm, { name: '商会对接会', kind: 'CHAMBER_OF_COMMERCE', startsAt: '2026-04-01T01:00:00Z', endsAt: '2026-04-01T09:00:00Z' });
      const page = (after: string | null, filter: Record<string, unknown> | null = null) =>
        t.gql(
          `query($a: String, $f: MatchmakingEventFilter) { matchmakingEvents(first: 2, after: $a, filter: $f) {
             totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`,
          { a: after, f: filter },
          { token: z2o },
        );
      const p1 = await page(null);
      expect(p1.body.data!.matchmakingEvents.totalCount).toBe(3);
      expect(p1.body.data!.matchmakingEvents.edges.map((e: any) => e.node.name)).toEqual(['商会对接会', '校友经济对接会']);
      const p2 = await page(p1.body.data!.matchmakingEvents.pageInfo.endCursor);
      expect(p2.body.data!.matchmakingEvents.edges.map((e: any) => e.node.name)).toEqual(['2026 苏陕合作项目对接会']);
      expect(p2.body.data!.matchmakingEvents.pageInfo.hasNextPage).toBe(false);
      const alumni = await page(null, { kinds: ['ALUMNI'] });
      expect(alumni.body.data!.matchmakingEvents.totalCount).toBe(1);
      const bad = await page('not-a-cursor');
      expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('leads on the event and visibility', () => {
    let visibleLead: { id: string; version: number };
    let privateLead: { id: string; version: number };

    it('puts a lead on the event for those who may edit it; an invisible lead looks missing', async () => {
      visibleLead = await f.createLead(z1o, '石墨烯材料项目', { sharingScope: 'DISTRICT', investmentAmount: '8000' });
      privateLead = await f.createLead(z2o, '新丰食品深加工项目', { investmentAmount: '3000' }); // PRIVATE to 610115-Z2 chain

      const added = await f.addLead(z1o, eventId, visibleLead.id);
      expect(added.body.errors).toBeUndefined();
      // zone 1 cannot see zone 2's private lead: the same NOT_FOUND as a lead that does not exist.
      const hidden = await f.addLead(z1o, eventId, privateLead.id);
      const missing = await f.addLead(z1o, eventId, randomUUID());
      expect(hidden.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(hidden.body.errors?.[0].message).toBe(missing.body.errors?.[0].message);
      // zone 2 sees zone 1's DISTRICT lead but may not edit it, and does not manage the event.
      const notEditor = await f.addLead(z2o, eventId, visibleLead.id);
      expect(notEditor.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const twice = await f.addLead(z1o, eventId, visibleLead.id);
      expect(twice.body.errors?.[0].extensions?.code).toBe('CONFLICT');

      const own = await f.addLead(z2o, eventId, privateLead.id);
      expect(own.body.errors).toBeUndefined();
      expect(own.body.data!.addLeadToEvent.summary.leadsPresented).toBe(2);
    });

    it('shows each caller only the leads it may see, in the list and in the summary', async () => {
      const z1 = (await f.event(z1o, eventId)).body.data!.matchmakingEvent;
      expect(z1.leads.totalCount).toBe(1);
      expect(z1.leads.edges.map((e: any) => e.node.id)).toEqual([visibleLead.id]);
      expect(z1.summary.leadsPresented).toBe(1);
      const z2 = (await f.event(z2o, eventId)).body.data!.matchmakingEvent;
      expect(z2.leads.edges.map((e: any) => e.node.id).sort()).toEqual([visibleLead.id, privateLead.id].sort());
      const other = (await f.event(d2m, eventId)).body.data!.matchmakingEvent;
      expect(other.leads.totalCount).toBe(0);
      expect(other.summary).toEqual({ leadsPresented: 0, signedAtEvent: 0, signedInvestment: '0.00' });
    });

    it('takes a lead off the event; an invisible one looks missing', async () => {
      const hidden = await f.removeLead(z1o, eventId, privateLead.id);
      expect(hidden.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const res = await f.removeLead(z2o, eventId, privateLead.id);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.removeLeadFromEvent.summary.leadsPresented).toBe(1);
      const again = await f.removeLead(z2o, eventId, privateLead.id);
      expect(again.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      await f.addLead(z2o, eventId, privateLead.id);
    });

    it('records a signing only at an open event, through the stage gate of changeLeadStage', async () => {
      const planned = await f.sign(z1o, eventId, visibleLead.id, visibleLead.version);
      expect(planned.body.errors?.[0].extensions?.code).toBe('CONFLICT');
      const open = await f.updateEvent(d1m, eventId, eventVersion, { status: 'OPEN' });
      expect(open.body.errors).toBeUndefined();
      eventVersion = open.body.data!.updateMatchmakingEvent.version;

      // LEAD → SIGNED skips a step: refused with exactly the error changeLeadStage gives.
      const viaEvent = await f.sign(z1o, eventId, visibleLead.id, visibleLead.version);
      const viaStage = await f.stage(z1o, visibleLead.id, visibleLead.version, 'SIGNED');
      expect(viaEvent.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(viaEvent.body.errors?.[0].message).toBe(viaStage.body.errors?.[0].message);
      expect(viaEvent.body.errors?.[0].extensions?.fields).toEqual(viaStage.body.errors?.[0].extensions?.fields);

      const neg = await f.stage(z1o, visibleLead.id, visibleLead.version, 'NEGOTIATING');
      expect(neg.body.errors).toBeUndefined();
      visibleLead.version = neg.body.data!.changeLeadStage.version;
      // Another unit that may not edit the lead is refused as changeLeadStage refuses it.
      const foreign = await f.sign(z2o, eventId, visibleLead.id, visibleLead.version);
      const foreignStage = await f.stage(z2o, visibleLead.id, visibleLead.version, 'SIGNED');
      expect(foreign.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(foreign.body.errors?.[0].message).toBe(foreignStage.body.errors?.[0].message);
      const stale = await f.sign(z1o, eventId, visibleLead.id, visibleLead.version - 1);
      expect(stale.body.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect((await t.sql(`SELECT stage, signed_at_event_id FROM lead WHERE id = $1`, [visibleLead.id]))[0]).toEqual({
        stage: 'NEGOTIATING',
        signed_at_event_id: null,
      });
    });

    it('refuses a signing without an investment amount exactly as changeLeadStage does, writing nothing', async () => {
      const lead = await f.createLead(z1o, '无投资额项目', { sharingScope: 'DISTRICT' });
      const neg = (await f.stage(z1o, lead.id, lead.version, 'NEGOTIATING')).body.data!.changeLeadStage;
      const viaEvent = await f.sign(z1o, eventId, lead.id, neg.version);
      const viaStage = await f.stage(z1o, lead.id, neg.version, 'SIGNED');
      expect(viaEvent.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(viaEvent.body.errors?.[0].message).toBe(viaStage.body.errors?.[0].message);
      expect(viaEvent.body.errors?.[0].extensions?.fields).toEqual([
        { path: 'stage', message: 'a lead needs an investment amount before it is SIGNED' },
      ]);
      const rows = await t.sql(`SELECT stage, version FROM lead WHERE id = $1`, [lead.id]);
      expect(rows[0]).toEqual({ stage: 'NEGOTIATING', version: neg.version });
      expect(await t.sql(`SELECT 1 FROM matchmaking_event_lead WHERE lead_id = $1`, [lead.id])).toHaveLength(0);
      // With the amount given, the same signing passes the gate (the amount is written first, in the same transaction).
      const ok = await f.sign(z1o, eventId, lead.id, neg.version, '1200.50');
      expect(ok.body.errors).toBeUndefined();
      expect(ok.body.data!.recordEventSigning).toMatchObject({ stage: 'SIGNED', investmentAmount: '1200.50' });
    });

    it('signs a lead at the event: SIGNED, signedAt as given, signedAtEvent, history, outbox, summary', async () => {
      const at = new Date(Date.now() - 3600_000).toISOString();
      const res = await f.sign(z1o, eventId, visibleLead.id, visibleLead.version, undefined, at);
      expect(res.body.errors).toBeUndefined();
      const lead = res.body.data!.recordEventSigning;
      expect(lead).toMatchObject({ stage: 'SIGNED', investmentAmount: '8000.00', signedAtEvent: { id: eventId } });
      expect(new Date(lead.signedAt).toISOString()).toBe(at);
      const history = await t.sql(`SELECT action FROM lead_history WHERE lead_id = $1 ORDER BY id`, [visibleLead.id]);
      expect(history.map((h) => h.action)).toEqual(['CREATED', 'STAGE_CHANGED', 'STAGE_CHANGED', 'SIGNED_AT_EVENT']);
      const events = await t.sql(`SELECT type FROM outbox_event WHERE lead_id = $1 ORDER BY id`, [visibleLead.id]);
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['lead.stage_changed', 'lead.signed_at_event', 'lead.added_to_event']),
      );
      // zone 1 sees its two signings; another district sees neither (nor their investment).
      const z1 = (await f.event(z1o, eventId)).body.data!.matchmakingEvent;
      expect(z1.summary).toEqual({ leadsPresented: 2, signedAtEvent: 2, signedInvestment: '9200.50' });
      const other = (await f.event(d2m, eventId)).body.data!.matchmakingEvent;
      expect(other.summary).toEqual({ leadsPresented: 0, signedAtEvent: 0, signedInvestment: '0.00' });
      // A lead signed at the event stays on it.
      const remove = await f.removeLead(z1o, eventId, visibleLead.id);
      expect(remove.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    });

    it('refuses API clients and a signing in the future', async () => {
      const future = await f.sign(z2o, eventId, privateLead.id, privateLead.version, undefined, '2099-01-01T00:00:00Z');
      expect(future.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(future.body.errors?.[0].extensions?.fields?.[0].path).toBe('signedAt');
      const key = await apiKey(t, 'mm-partner', '610115-Z1', ['leads:read', 'leads:write']);
      const res = await t.gql(`{ matchmakingEvents { totalCount } }`, {}, { apiKey: key });
      expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });
});
