/**
 * Domain events (issue #3, "Domain events"): every lead mutation writes its event to `outbox_event`
 * in the transaction of the change (same xmin as the rows it changed); a mutation that fails writes
 * no event and changes nothing; and when the event cannot be written, the change does not commit.
 */
import { seedXian, startTestApp, type GqlResponse, type TestApp } from './support/harness';
import { createActors, type Actor } from './support/actors';
import { ok, outcomeOf } from './support/gql';
import { LEAD_CORE, LeadWorld, leadInput } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { sqlRunner, type SqlRunner } from './support/pg';
import { eventsAfter, failInserts, installFailureInjection, maxOutboxId, snapshot, xids, type OutboxRow } from './support/db-snapshot';
import { breakCheck, makeUscc } from './support/uscc';
import type { LeadState } from './support/visibility-oracle';

const Z1 = '610115-Z1';
const Z2 = '610115-Z2';
const D = '610115';
const OZ = '610117-Z1';

jest.setTimeout(60_000);

describe('leads: domain events in the outbox', () => {
  let t: TestApp;
  let pg: SqlRunner;
  let world: LeadWorld;
  let a: Map<string, Actor>;
  const A = (name: string) => a.get(name)!;
  const actorIds = new Map<string, string>();
  let n = 1;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    world = new LeadWorld(t, await OrgTree.load(t));
    a = await createActors(
      t,
      [
        { name: 'z1-o', unit: Z1, role: 'OFFICER' },
        { name: 'z1-v', unit: Z1, role: 'VIEWER' },
        { name: 'z2-o', unit: Z2, role: 'OFFICER' },
        { name: 'd-m', unit: D, role: 'MANAGER' },
        { name: 'oz-o', unit: OZ, role: 'OFFICER' },
      ],
      [{ name: 'api-rw-z1', unit: Z1, scopes: ['leads:read', 'leads:write'] }],
    );
    for (const actor of a.values()) {
      const me = ok(await t.gql(`{ me { ... on User { id } ... on ApiClient { id } } }`, {}, actor.auth)).me;
      actorIds.set(actor.name, me.id);
    }
    pg = sqlRunner(t);
    await installFailureInjection(pg);
  });
  afterAll(async () => {
    await t?.close();
  });

  const newLead = (scope = 'PRIVATE', overrides: Record<string, unknown> = {}, by = 'z1-o') =>
    world.create(A(by), n++, scope as LeadState['scope'], `lead ${n}`, overrides);

  /** Runs `fn` and returns the events it wrote, after checking they all come from one transaction. */
  async function eventsOf(fn: () => Promise<GqlResponse<any>>, what: string): Promise<{ res: GqlResponse<any>; events: OutboxRow[] }> {
    const before = await maxOutboxId(pg);
    const res = await fn();
    ok(res, what);
    const events = await eventsAfter(pg, before);
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.xid)).size).toBe(1);
    return { res, events };
  }

  function expectEvent(events: OutboxRow[], type: string, leadId: string | null, actor: string): OutboxRow {
    const e = events.find((x) => x.type === type);
    if (!e) throw new Error(`no ${type} event among ${events.map((x) => x.type).join(', ') || 'none'}`);
    if (leadId !== null) expect(e.lead_id).toBe(leadId);
    expect(e.actor_kind).toBe(A(actor).kind === 'user' ? 'user' : 'apiClient');
    expect(e.actor_id).toBe(actorIds.get(actor));
    expect(typeof e.payload).toBe('object');
    return e;
  }

  const mutate = {
    update: (by: string, l: LeadState, input: Record<string, unknown>, version = l.version) =>
      t.gql(`mutation($id: ID!, $v: Int!, $input: UpdateLeadInput!) { updateLead(id: $id, version: $v, input: $input) { ${LEAD_CORE} } }`, { id: l.id, v: version, input }, A(by).auth),
    stage: (by: string, l: LeadState, stage: string, extra: Record<string, unknown> = {}, version = l.version) =>
      t.gql(
        `mutation($id: ID!, $v: Int!, $s: LeadStage!, $lost: String, $landing: ID) { changeLeadStage(id: $id, version: $v, stage: $s, lostReasonCode: $lost, landingUnitId: $landing) { ${LEAD_CORE} } }`,
        { id: l.id, v: version, s: stage, ...extra },
        A(by).auth,
      ),
    share: (by: string, l: LeadState, scope: string, version = l.version) =>
      t.gql(`mutation($id: ID!, $v: Int!, $s: SharingScope!) { shareLead(id: $id, version: $v, scope: $s) { ${LEAD_CORE} } }`, { id: l.id, v: version, s: scope }, A(by).auth),
    refer: (by: string, l: LeadState, to: string) =>
      t.gql(`mutation($id: ID!, $to: ID!) { referLead(id: $id, toUnitId: $to, note: "更适合") { id } }`, { id: l.id, to: to }, A(by).auth),
    respond: (by: string, referralId: string, accept: boolean) =>
      t.gql(`mutation($id: ID!, $a: Boolean!) { respondToReferral(referralId: $id, accept: $a, note: "答复") { id status } }`, { id: referralId, a: accept }, A(by).auth),
    assign: (by: string, l: LeadState, unitId: string) =>
      t.gql(`mutation($id: ID!, $u: ID!) { assignLead(id: $id, unitId: $u) { id } }`, { id: l.id, u: unitId }, A(by).auth),
    activity: (by: string, l: LeadState, summary = '实地考察') =>
      t.gql(
        `mutation($id: ID!, $input: LeadActivityInput!) { addLeadActivity(leadId: $id, input: $input) { id } }`,
        { id: l.id, input: { kind: 'VISIT', occurredAt: '2026-03-01T02:00:00Z', summary } },
        A(by).auth,
      ),
    resolve: (by: string, conflictId: string) =>
      t.gql(`mutation($id: ID!) { resolveConflict(id: $id, resolution: FALSE_MATCH, note: "不同主体") { id status } }`, { id: conflictId }, A(by).auth),
    create: (by: string, input: Record<string, unknown>) =>
      t.gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { ${LEAD_CORE} } }`, { input }, A(by).auth),
  };

  const leadXid = async (id: string) => (await xids(pg, `SELECT xmin::text AS xid FROM lead WHERE id = $1`, [id]))[0];
  const lastHistoryXid = async (id: string) =>
    (await xids(pg, `SELECT xmin::text AS xid FROM lead_history WHERE lead_id = $1 ORDER BY id DESC LIMIT 1`, [id]))[0];

  describe('each mutation writes its event in the transaction of the change', () => {
    it('createLead → lead.created (same transaction as the lead row and its CREATED history)', async () => {
      const { res, events } = await eventsOf(() => mutate.create('z1-o', leadInput(n++)), 'createLead');
      const id = res.body.data!.createLead.id;
      expect(events.map((e) => e.type)).toEqual(['lead.created']);
      const e = expectEvent(events, 'lead.created', id, 'z1-o');
      expect(await leadXid(id)).toBe(e.xid);
      expect(await lastHistoryXid(id)).toBe(e.xid);
    });

    it('createLead by an API client records the client as actor', async () => {
      const { res, events } = await eventsOf(() => mutate.create('api-rw-z1', leadInput(n++)), 'createLead');
      expectEvent(events, 'lead.created', res.body.data!.createLead.id, 'api-rw-z1');
    });

    it('createLead matching another unit’s investor → lead.created + lead.conflict_detected, one transaction with the conflict', async () => {
      const uscc = makeUscc(8001);
      const first = await newLead('PRIVATE', { investor: { name: '长城汽车股份有限公司', uscc } });
      const { res, events } = await eventsOf(
        () => mutate.create('z2-o', leadInput(n++, { investor: { name: '长城汽车有限公司', uscc } })),
        'createLead with conflict',
      );
      const id = res.body.data!.createLead.id;
      expect(events.map((e) => e.type).sort()).toEqual(['lead.conflict_detected', 'lead.created']);
      const e = expectEvent(events, 'lead.conflict_detected', null, 'z2-o');
      expect([id, first.id, null]).toContain(e.lead_id);
      const conflictXids = await xids(pg, `SELECT DISTINCT xmin::text AS xid FROM lead_conflict_member WHERE lead_id = $1`, [id]);
      expect(conflictXids).toEqual([e.xid]);
      expect(await leadXid(id)).toBe(e.xid);
    });

    it('updateLead → lead.updated with the changed fields', async () => {
      const l = await newLead();
      const { res, events } = await eventsOf(() => mutate.update('z1-o', l, { summary: '新摘要', investmentAmount: '88.80' }), 'updateLead');
      expect(events.map((e) => e.type)).toEqual(['lead.updated']);
      const e = expectEvent(events, 'lead.updated', l.id, 'z1-o');
      expect(JSON.stringify(e.payload)).toContain('summary');
      expect(await leadXid(l.id)).toBe(e.xid);
      expect(await lastHistoryXid(l.id)).toBe(e.xid);
      expect(res.body.data!.updateLead.version).toBe(l.version + 1);
    });

    it('updateLead changing the investor to one another unit pursues → lead.updated + lead.conflict_detected', async () => {
      const uscc = makeUscc(8002);
      await newLead('PRIVATE', { investor: { name: '隆基绿能科技股份有限公司', uscc } }, 'oz-o');
      const l = await newLead();
      const { events } = await eventsOf(() => mutate.update('z1-o', l, { investor: { name: '隆基绿能科技有限公司', uscc } }), 'updateLead');
      expect(events.map((e) => e.type).sort()).toEqual(['lead.conflict_detected', 'lead.updated']);
      const conflictXids = await xids(pg, `SELECT DISTINCT xmin::text AS xid FROM lead_conflict_member WHERE lead_id = $1`, [l.id]);
      expect(conflictXids).toEqual([events[0].xid]);
    });

    it('changeLeadStage → lead.stage_changed', async () => {
      const l = await newLead();
      const { events } = await eventsOf(() => mutate.stage('z1-o', l, 'NEGOTIATING'), 'changeLeadStage');
      expect(events.map((e) => e.type)).toEqual(['lead.stage_changed']);
      const e = expectEvent(events, 'lead.stage_changed', l.id, 'z1-o');
      expect(JSON.stringify(e.payload)).toContain('NEGOTIATING');
      expect(await leadXid(l.id)).toBe(e.xid);
    });

    it('shareLead → lead.shared', async () => {
      const l = await newLead();
      const { events } = await eventsOf(() => mutate.share('z1-o', l, 'CITY'), 'shareLead');
      expect(events.map((e) => e.type)).toEqual(['lead.shared']);
      const e = expectEvent(events, 'lead.shared', l.id, 'z1-o');
      expect(JSON.stringify(e.payload)).toContain('CITY');
      expect(await leadXid(l.id)).toBe(e.xid);
    });

    it('referLead → lead.referred (same transaction as the referral)', async () => {
      const l = await newLead();
      const { res, events } = await eventsOf(() => mutate.refer('z1-o', l, world.tree.id(Z2)), 'referLead');
      expect(events.map((e) => e.type)).toEqual(['lead.referred']);
      const e = expectEvent(events, 'lead.referred', l.id, 'z1-o');
      expect(await xids(pg, `SELECT xmin::text AS xid FROM lead_referral WHERE id = $1`, [res.body.data!.referLead.id])).toEqual([e.xid]);
    });

    it.each([true, false])('respondToReferral (accept: %s) → lead.referral_answered with the referral (and the assignment)', async (accept) => {
      const l = await newLead();
      const r = await world.refer(A('z1-o'), l, Z2);
      const { events } = await eventsOf(() => mutate.respond('z2-o', r.id, accept), 'respondToReferral');
      const types = events.map((e) => e.type);
      expect(types).toContain('lead.referral_answered');
      expect(types.filter((x) => x !== 'lead.referral_answered' && x !== 'lead.assigned')).toEqual([]);
      const e = expectEvent(events, 'lead.referral_answered', l.id, 'z2-o');
      expect(await xids(pg, `SELECT xmin::text AS xid FROM lead_referral WHERE id = $1`, [r.id])).toEqual([e.xid]);
      const assignment = await xids(pg, `SELECT xmin::text AS xid FROM lead_assignment WHERE lead_id = $1`, [l.id]);
      expect(assignment).toEqual(accept ? [e.xid] : []);
    });

    it('assignLead → lead.assigned (same transaction as the assignment)', async () => {
      const l = await newLead();
      const { events } = await eventsOf(() => mutate.assign('d-m', l, world.tree.id(Z2)), 'assignLead');
      expect(events.map((e) => e.type)).toEqual(['lead.assigned']);
      const e = expectEvent(events, 'lead.assigned', l.id, 'd-m');
      expect(await xids(pg, `SELECT xmin::text AS xid FROM lead_assignment WHERE lead_id = $1`, [l.id])).toEqual([e.xid]);
    });

    it('addLeadActivity → lead.activity_added (same transaction as the activity)', async () => {
      const l = await newLead();
      const { res, events } = await eventsOf(() => mutate.activity('z1-o', l), 'addLeadActivity');
      expect(events.map((e) => e.type)).toEqual(['lead.activity_added']);
      const e = expectEvent(events, 'lead.activity_added', l.id, 'z1-o');
      expect(await xids(pg, `SELECT xmin::text AS xid FROM lead_activity WHERE id = $1`, [res.body.data!.addLeadActivity.id])).toEqual([e.xid]);
    });

    it('resolveConflict → lead.conflict_resolved (same transaction as the decision)', async () => {
      const uscc = makeUscc(8003);
      await newLead('PRIVATE', { investor: { name: '西部超导材料科技股份有限公司', uscc } });
      await newLead('PRIVATE', { investor: { name: '西部超导材料科技有限公司', uscc } }, 'z2-o');
      const conflict = world.conflicts[world.conflicts.length - 1];
      const { events } = await eventsOf(() => mutate.resolve('d-m', conflict.id), 'resolveConflict');
      expect(events.map((e) => e.type)).toEqual(['lead.conflict_resolved']);
      const e = expectEvent(events, 'lead.conflict_resolved', null, 'd-m');
      expect(await xids(pg, `SELECT xmin::text AS xid FROM lead_conflict WHERE id = $1`, [conflict.id])).toEqual([e.xid]);
    });
  });

  describe('a mutation that fails writes no event and changes nothing', () => {
    /** Full content of the lead tables and the outbox before and after must be identical. */
    async function expectNoChange(fn: () => Promise<GqlResponse<any>>, codes: string[]): Promise<void> {
      const before = await snapshot(pg);
      const res = await fn();
      expect(codes).toContain(outcomeOf(res));
      expect(res.body.data?.[Object.keys(res.body.data ?? {})[0]] ?? null).toBeNull();
      expect(await snapshot(pg)).toEqual(before);
    }

    it('createLead: validation errors and a VIEWER', async () => {
      await expectNoChange(() => mutate.create('z1-o', leadInput(n++, { title: 'x' })), ['BAD_USER_INPUT']);
      await expectNoChange(() => mutate.create('z1-o', leadInput(n++, { industryCode: 'NO_SUCH_INDUSTRY' })), ['BAD_USER_INPUT']);
      await expectNoChange(() => mutate.create('z1-o', leadInput(n++, { investmentAmount: '-1.00' })), ['BAD_USER_INPUT']);
      await expectNoChange(() => mutate.create('z1-v', leadInput(n++)), ['FORBIDDEN']);
    });

    it('updateLead: stale version, invalid input mixed with valid changes, forbidden and invisible', async () => {
      const l = await newLead('DISTRICT');
      await world.update(A('z1-o'), l, { summary: 'v2' });
      await expectNoChange(() => mutate.update('z1-o', l, { summary: 'stale' }, l.version - 1), ['CONFLICT']);
      await expectNoChange(() => mutate.update('z1-o', l, { summary: '有效修改', investor: { name: '某公司', uscc: breakCheck(makeUscc(77)) } }), ['BAD_USER_INPUT']);
      await expectNoChange(() => mutate.update('z1-o', l, { summary: '有效修改', expectedLandingDate: '2026-02-30' }), ['BAD_USER_INPUT']);
      await expectNoChange(() => mutate.update('z2-o', l, { summary: 'not mine' }), ['FORBIDDEN']);
      await expectNoChange(() => mutate.update('z1-v', l, { summary: 'viewer' }), ['FORBIDDEN']);
      await expectNoChange(() => mutate.update('oz-o', l, { summary: 'invisible' }), ['NOT_FOUND']);
    });

    it('changeLeadStage: skipped stage, missing gate data, missing lost reason, stale version, forbidden', async () => {
      const l = await newLead('PRIVATE', { investmentAmount: null });
      await expectNoChange(() => mutate.stage('z1-o', l, 'SIGNED'), ['BAD_USER_INPUT', 'CONFLICT']);
      await expectNoChange(() => mutate.stage('z1-o', l, 'LOST'), ['BAD_USER_INPUT']);
      await expectNoChange(() => mutate.stage('z1-o', l, 'LOST', { lost: 'NO_SUCH_REASON' }), ['BAD_USER_INPUT']);
      await expectNoChange(() => mutate.stage('z1-o', l, 'NEGOTIATING', {}, l.version + 5), ['CONFLICT']);
      await expectNoChange(() => mutate.stage('z1-v', l, 'NEGOTIATING'), ['FORBIDDEN']);
      await world.stage(A('z1-o'), l, 'NEGOTIATING');
      await expectNoChange(() => mutate.stage('z1-o', l, 'SIGNED'), ['BAD_USER_INPUT', 'CONFLICT']); // no investment amount
      await expectNoChange(() => mutate.stage('z1-o', l, 'LEAD'), ['FORBIDDEN']); // backwards: managers only
    });

    it('shareLead: stale version and narrowing by an assigned unit', async () => {
      const l = await newLead('CITY');
      await world.assign(A('d-m'), l, Z2);
      await expectNoChange(() => mutate.share('z1-o', l, 'PUBLIC', l.version - 1), ['CONFLICT']);
      await expectNoChange(() => mutate.share('z2-o', l, 'PRIVATE'), ['FORBIDDEN']);
    });

    it('referLead, respondToReferral, assignLead, addLeadActivity, resolveConflict refusals', async () => {
      const l = await newLead();
      await expectNoChange(() => mutate.refer('z1-o', l, '00000000-0000-4000-8000-000000000000'), ['BAD_USER_INPUT', 'NOT_FOUND']);
      await expectNoChange(() => mutate.refer('z1-v', l, world.tree.id(Z2)), ['FORBIDDEN']);
      const r = await world.refer(A('z1-o'), l, Z2);
      await world.respond(A('z2-o'), r, false);
      await expectNoChange(() => mutate.respond('z2-o', r.id, true), ['BAD_USER_INPUT', 'CONFLICT']);
      await expectNoChange(() => mutate.assign('d-m', l, world.tree.id(OZ)), ['BAD_USER_INPUT', 'FORBIDDEN']);
      await expectNoChange(() => mutate.activity('z1-o', l, ''), ['BAD_USER_INPUT']);
      await expectNoChange(() => mutate.activity('z1-o', l, '长'.repeat(2001)), ['BAD_USER_INPUT']);
      const uscc = makeUscc(8004);
      await newLead('PRIVATE', { investor: { name: '陕西鼓风机(集团)有限公司', uscc } });
      await newLead('PRIVATE', { investor: { name: '陕西鼓风机集团', uscc } }, 'z2-o');
      const conflict = world.conflicts[world.conflicts.length - 1];
      await expectNoChange(() => mutate.resolve('z1-o', conflict.id), ['FORBIDDEN', 'NOT_FOUND']);
      await world.t.gql(`mutation($id: ID!) { resolveConflict(id: $id, resolution: KEEP_FIRST) { id } }`, { id: conflict.id }, A('d-m').auth).then((res) => ok(res));
      await expectNoChange(() => mutate.resolve('d-m', conflict.id), ['BAD_USER_INPUT', 'CONFLICT']);
    });
  });

  describe('no change commits without its event (failure injected into the outbox / history insert)', () => {
    // The injected failures are logged as internal errors by design; keep the test output readable.
    beforeAll(() => t.app.useLogger(false));
    afterAll(() => t.app.useLogger(['error']));

    async function expectRolledBack(tbl: 'outbox_event' | 'lead_history', kind: string, fn: () => Promise<GqlResponse<any>>): Promise<void> {
      const before = await snapshot(pg);
      const res = await failInserts(pg, tbl, kind, fn);
      expect(res.body.errors?.length ?? 0).toBeGreaterThan(0);
      expect(await snapshot(pg)).toEqual(before);
    }

    it('createLead (event refused → no lead, no history)', async () => {
      await expectRolledBack('outbox_event', 'lead.created', () => mutate.create('z1-o', leadInput(n++)));
    });

    it('createLead whose conflict event is refused creates neither lead nor conflict', async () => {
      const uscc = makeUscc(8005);
      await newLead('PRIVATE', { investor: { name: '法士特集团', uscc } });
      await expectRolledBack('outbox_event', 'lead.conflict_detected', () =>
        mutate.create('z2-o', leadInput(n++, { investor: { name: '法士特有限公司', uscc } })),
      );
    });

    it('updateLead, changeLeadStage, shareLead', async () => {
      const l = await newLead();
      await expectRolledBack('outbox_event', 'lead.updated', () => mutate.update('z1-o', l, { summary: '不应保存' }));
      await expectRolledBack('outbox_event', 'lead.stage_changed', () => mutate.stage('z1-o', l, 'NEGOTIATING'));
      await expectRolledBack('outbox_event', 'lead.shared', () => mutate.share('z1-o', l, 'PUBLIC'));
      // and the other way round: history refused → no event either
      await expectRolledBack('lead_history', '*', () => mutate.update('z1-o', l, { summary: '不应保存' }));
    });

    it('referLead, respondToReferral, assignLead, addLeadActivity, resolveConflict', async () => {
      const l = await newLead();
      await expectRolledBack('outbox_event', 'lead.referred', () => mutate.refer('z1-o', l, world.tree.id(Z2)));
      const r = await world.refer(A('z1-o'), l, Z2);
      await expectRolledBack('outbox_event', 'lead.referral_answered', () => mutate.respond('z2-o', r.id, true));
      await expectRolledBack('outbox_event', 'lead.assigned', () => mutate.assign('d-m', l, world.tree.id(Z2)));
      await expectRolledBack('outbox_event', 'lead.activity_added', () => mutate.activity('z1-o', l));
      const uscc = makeUscc(8006);
      await newLead('PRIVATE', { investor: { name: '陕西汽车控股集团有限公司', uscc } });
      await newLead('PRIVATE', { investor: { name: '陕西汽车控股', uscc } }, 'z2-o');
      const conflict = world.conflicts[world.conflicts.length - 1];
      await expectRolledBack('outbox_event', 'lead.conflict_resolved', () => mutate.resolve('d-m', conflict.id));
      // after the injected failures, the same mutations still work
      ok(await mutate.respond('z2-o', r.id, true), 'respond after rollback');
    });
  });
});
