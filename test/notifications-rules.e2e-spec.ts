import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsConsumer } from '@zs/notifications';
import type { OutboxEvent } from '@zs/outbox';
import { apiKey, seedXian, startTestApp, type TestApp } from './support/harness';
import { type Actor, createActors, type UserSpec } from './support/actors';
import { ok } from './support/gql';
import { LeadWorld } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { withPg } from './support/pg';
import type { LeadState } from './support/visibility-oracle';
import { notificationRows, notificationsSettled, outboxMark, startWorker } from './notify-support';

/**
 * "Who hears what", end to end: changes through GraphQL, the real worker (outbox relay → notifications
 * consumer → stage 2), and the inboxes compared with the test's own reading of the rules and the
 * independent visibility oracle (test/support/visibility-oracle.ts).
 */
const USERS: UserSpec[] = [
  { name: 'city-mgr', unit: '610100', role: 'MANAGER' },
  { name: 'city-off', unit: '610100', role: 'OFFICER' },
  { name: 'city-view', unit: '610100', role: 'VIEWER' },
  { name: 'd15-mgr', unit: '610115', role: 'MANAGER' },
  { name: 'd15-view', unit: '610115', role: 'VIEWER' },
  { name: 'z151-a', unit: '610115-Z1', role: 'OFFICER' },
  { name: 'z151-b', unit: '610115-Z1', role: 'OFFICER' },
  { name: 'z152-a', unit: '610115-Z2', role: 'OFFICER' },
  { name: 'd11-off', unit: '610111', role: 'OFFICER' },
  { name: 'z111-a', unit: '610111-Z1', role: 'OFFICER' },
  { name: 'gx-a', unit: '610100-GX', role: 'OFFICER' },
  { name: 'z112-a', unit: '610112-Z1', role: 'OFFICER' },
  { name: 'z172-a', unit: '610117-Z2', role: 'OFFICER' },
  { name: 'z172-mute', unit: '610117-Z2', role: 'OFFICER' },
];

describe('notifications: who hears what (GraphQL → worker → inboxes)', () => {
  let t: TestApp;
  let worker: INestApplication;
  let tree: OrgTree;
  let world: LeadWorld;
  let actors: Map<string, Actor>;
  let industries: Map<string, string[]>;
  const followers = new Map<string, Set<string>>();
  const muted = new Map<string, Set<string>>([['z172-mute', new Set(['LEAD_SHARED'])]]);

  const user = (name: string) => actors.get(name)!;
  const users = () => USERS.map((u) => user(u.name));

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    worker = await startWorker(t);
    tree = await OrgTree.load(t);
    world = new LeadWorld(t, tree);
    actors = await createActors(t, USERS);
    industries = new Map(
      await withPg(t.db.url, async (c) =>
        (await c.query<{ code: string; ind: string[] }>(`SELECT code, leading_industry_codes AS ind FROM org_unit`)).rows.map(
          (r) => [r.code, r.ind] as [string, string[]],
        ),
      ),
    );
    ok(
      await t.gql(`mutation { updateNotificationPreferences(input: { mutedKinds: [LEAD_SHARED] }) { mutedKinds } }`, {}, user('z172-mute').auth),
    );
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  // --- the rules as the test reads them (issue 9 "Who hears what"), independent of libs/notifications ---

  /** Delivered to: may see the lead (oracle), not the actor, instant on (VIEWERs: digests only), kind not muted. */
  function deliverable(u: Actor, l: LeadState, actor: Actor, kind: string): boolean {
    if (u.kind !== 'user' || u.name === actor.name) return false;
    if (u.role === 'VIEWER') return false;
    if (muted.get(u.name)?.has(kind)) return false;
    return world.oracle.canSee(u, l);
  }

  function expectation(l: LeadState, actor: Actor, groups: { kind: string; who: (u: Actor) => boolean; lead?: LeadState }[]): Map<string, string> {
    const out = new Map<string, string>(); // username → kind
    for (const g of groups) {
      for (const u of users()) {
        if (out.has(u.name) || !g.who(u)) continue;
        if (deliverable(u, g.lead ?? l, actor, g.kind)) out.set(u.name, g.kind);
      }
    }
    return out;
  }

  const followerOf = (l: LeadState) => (u: Actor) => followers.get(l.id)?.has(u.name) ?? false;
  const inUnits = (codes: string[]) => (u: Actor) => codes.includes(u.unit);
  const inSubtree = (root: string) => (u: Actor) => tree.isSelfOrAncestor(root, u.unit);

  function sharedAudience(l: LeadState, scope: string, industry: string) {
    if (scope === 'DISTRICT') return inSubtree(tree.districtOf(l.owner) ?? l.owner);
    return (u: Actor) => u.unit === '610100' || (tree.unit(u.unit).tier === 'ZONE' && (industries.get(u.unit) ?? []).includes(industry));
  }

  async function step(label: string, expected: () => Map<string, string>, act: () => Promise<void>, lead: LeadState) {
    const mark = await outboxMark(t.db.url);
    await act();
    await notificationsSettled(t.db.url);
    const rows = (await notificationRows(t.db.url, mark)).filter((r) => r.leadId === lead.id || r.kind.startsWith('CONFLICT'));
    const got = new Map(rows.map((r) => [r.username, r.kind]));
    expect({ label, count: rows.length }).toEqual({ label, count: got.size }); // one per person per event here
    expect({ label, inboxes: Object.fromEntries([...got].sort()) }).toEqual({ label, inboxes: Object.fromEntries([...expected()].sort()) });
    for (const r of rows) {
      if (r.leadId === lead.id) expect(r.title + r.body).toContain(lead.code);
    }
    return rows;
  }

  async function follow(name: string, l: LeadState) {
    const res = ok(await t.gql(`mutation($id: ID!) { followLead(id: $id) { id followedByMe } }`, { id: l.id }, user(name).auth));
    expect(res.followLead.followedByMe).toBe(true);
    if (!followers.has(l.id)) followers.set(l.id, new Set());
    followers.get(l.id)!.add(name);
  }

  let l1: LeadState;

  it('a PRIVATE lead tells nobody; widening it to DISTRICT tells the district subtree; to CITY the city and the zones of its industry', async () => {
    const actor = user('z151-a');
    await step('create private', () => new Map(), async () => {
      l1 = await world.create(actor, 3, 'PRIVATE', 'L1', { industryCode: 'NEW_MATERIALS', investor: { name: '通知测试投资有限公司' } });
    }, { id: 'none' } as LeadState);
    await follow('city-off', l1); // the owner chain sees a private lead, so may follow it
    await expect(t.gql(`mutation($id: ID!) { followLead(id: $id) { id } }`, { id: l1.id }, user('z111-a').auth)).resolves.toMatchObject({
      body: { errors: [{ extensions: { code: 'NOT_FOUND' } }] },
    });

    const district = await step(
      'share DISTRICT',
      () => expectation(l1, actor, [
        { kind: 'LEAD_SHARED', who: sharedAudience(l1, 'DISTRICT', 'NEW_MATERIALS') },
        { kind: 'LEAD_SHARED', who: followerOf(l1) },
      ]),
      () => world.share(actor, l1, 'DISTRICT'),
      l1,
    );
    expect(district.map((r) => r.username).sort()).toEqual(['city-off', 'd15-mgr', 'z151-b', 'z152-a']);
    expect(district[0].body).toContain('临潼现代工业组团'); // the actor's unit

    const city = await step(
      'share CITY',
      () => expectation(l1, actor, [
        { kind: 'LEAD_SHARED', who: sharedAudience(l1, 'CITY', 'NEW_MATERIALS') },
        { kind: 'LEAD_SHARED', who: followerOf(l1) },
      ]),
      () => world.share(actor, l1, 'CITY'),
      l1,
    );
    // z172-mute muted LEAD_SHARED; VIEWERs get digests only; the actor is never told.
    expect(city.map((r) => r.username).sort()).toEqual(['city-mgr', 'city-off', 'z111-a', 'z151-b', 'z172-a']);
  });

  it('stage changes: only SIGNED, LANDED, OPERATING and LOST reach the owner chain; followers hear every one', async () => {
    const actor = user('z151-a');
    await follow('z112-a', l1); // CITY now: anyone may follow
    await step('NEGOTIATING', () => expectation(l1, actor, [{ kind: 'LEAD_STAGE_CHANGED', who: followerOf(l1) }]), () => world.stage(actor, l1, 'NEGOTIATING'), l1);
    const signed = await step(
      'SIGNED',
      () => expectation(l1, actor, [
        { kind: 'LEAD_STAGE_CHANGED', who: inUnits(tree.selfAndAncestors(l1.owner)) },
        { kind: 'LEAD_STAGE_CHANGED', who: followerOf(l1) },
      ]),
      () => world.stage(actor, l1, 'SIGNED'),
      l1,
    );
    expect(signed.map((r) => r.username).sort()).toEqual(['city-mgr', 'city-off', 'd15-mgr', 'z112-a', 'z151-b']);
    expect(signed[0].title).toContain('签约');
  });

  it('a referral reaches the receiving unit, its answer the referring unit, an assignment the assigned unit', async () => {
    const actor = user('z151-a');
    let referral!: Awaited<ReturnType<LeadWorld['refer']>>;
    await step(
      'refer',
      () => expectation(l1, actor, [
        { kind: 'LEAD_REFERRED', who: inUnits(['610111-Z1']) },
        { kind: 'LEAD_REFERRED', who: followerOf(l1) },
      ]),
      async () => {
        referral = await world.refer(actor, l1, '610111-Z1');
      },
      l1,
    );
    const answerer = user('z111-a');
    await step(
      'respond',
      () => expectation(l1, answerer, [
        { kind: 'REFERRAL_ANSWERED', who: inUnits([l1.owner]) },
        { kind: 'REFERRAL_ANSWERED', who: followerOf(l1) },
      ]),
      () => world.respond(answerer, referral, true),
      l1,
    );
    const manager = user('d15-mgr');
    await step(
      'assign',
      () => expectation(l1, manager, [
        { kind: 'LEAD_ASSIGNED', who: inUnits(['610115-Z2']) },
        { kind: 'LEAD_ASSIGNED', who: followerOf(l1) },
      ]),
      () => world.assign(manager, l1, '610115-Z2'),
      l1,
    );
  });

  it('a conflict reaches the coordinating unit and both owners (who may see the other lead), never the other lead to an owner', async () => {
    const actor = user('gx-a');
    let l2!: LeadState;
    const rows = await step(
      'conflict',
      () => {
        const c = world.conflicts.at(-1)!;
        const other = world.lead(c.leads[0]);
        const out = expectation(l2, actor, [{ kind: 'CONFLICT_DETECTED', who: inUnits([c.coordinator]), lead: l2 }]);
        // Owners are told about their own lead where they may also see the other one (knownConflict).
        for (const [own, oth] of [[l2, other], [other, l2]] as const) {
          for (const [name, kind] of expectation(own, actor, [{ kind: 'CONFLICT_DETECTED', who: inUnits([own.owner]), lead: own }])) {
            if (!out.has(name) && world.oracle.canSee(user(name), oth)) out.set(name, kind);
          }
        }
        // The creation itself (PRIVATE) tells nobody else.
        return out;
      },
      async () => {
        l2 = await world.create(actor, 4, 'PRIVATE', 'L2', { industryCode: 'IC', investor: { name: '通知测试投资有限公司' } });
      },
      { id: 'none' } as LeadState,
    );
    expect(rows.length).toBeGreaterThan(0);
    // The owner of L1 learns of a conflict on its own lead but not which lead L2 is.
    for (const r of rows.filter((x) => x.leadId === l1.id)) expect(r.title + r.body).not.toContain(l2.code);
  });

  it('delivering the same event twice (relay replay, worker crash) makes one notification per person', async () => {
    const before = await notificationRows(t.db.url);
    const events = await withPg(t.db.url, async (c) =>
      (
        await c.query(
          `SELECT id::text AS id, event_id AS "eventId", type, lead_id AS "leadId", actor_kind AS "actorKind", actor_id AS "actorId",
                  occurred_at AS "occurredAt", payload FROM outbox_event ORDER BY id`,
        )
      ).rows as OutboxEvent[],
    );
    const consumer = worker.get(NotificationsConsumer);
    const db = worker.get(DataSource);
    for (const e of events) {
      await db.transaction((manager) => consumer.handle(e, { manager, consumer: 'notifications', attempt: 2 }));
    }
    // And a whole replay through the relay: every delivery of the consumer pending again.
    await withPg(t.db.url, (c) => c.query(`UPDATE outbox_delivery SET done_at = NULL WHERE consumer = 'notifications'`));
    await withPg(t.db.url, (c) => c.query(`UPDATE outbox_event SET published_at = NULL`));
    await new Promise((r) => setTimeout(r, 2500));
    await notificationsSettled(t.db.url);
    // Stage 2 again for every chunk (as after a worker crash between insert and "done"): the sweep
    // enqueues them, the unique key (event, user, channel) keeps one row each.
    const chunks = await withPg(t.db.url, async (c) => (await c.query(`UPDATE notification_fanout SET done_at = NULL WHERE seq >= 0`)).rowCount);
    expect(chunks).toBeGreaterThan(5);
    await notificationsSettled(t.db.url);
    const after = await notificationRows(t.db.url);
    expect(after.length).toBe(before.length);
    const keys = after.map((r) => `${r.eventId}/${r.userId}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the inbox over GraphQL: connection, unread count, mark read, lead null once invisible', async () => {
    const reader = user('city-off');
    const q = `query($u: Boolean, $first: Int, $after: String) { unreadNotificationCount notifications(unreadOnly: $u, first: $first, after: $after) {
      totalCount edges { cursor node { id kind title body readAt createdAt lead { id code } actor { username } actorUnit { code } } } pageInfo { hasNextPage endCursor } } }`;
    const all = ok(await t.gql(q, { first: 2 }, reader.auth));
    expect(all.unreadNotificationCount).toBe(all.notifications.totalCount);
    expect(all.notifications.totalCount).toBeGreaterThan(2);
    expect(all.notifications.pageInfo.hasNextPage).toBe(true);
    const page2 = ok(await t.gql(q, { first: 2, after: all.notifications.pageInfo.endCursor }, reader.auth));
    const ids = [...all.notifications.edges, ...page2.notifications.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(new Set(ids).size).toBe(ids.length);
    const first = all.notifications.edges[0].node;
    expect(first.actorUnit).not.toBeNull();

    // Someone else's notification id is NOT_FOUND and changes nothing.
    const other = ok(await t.gql(`{ notifications(first: 1) { edges { node { id } } } }`, {}, user('z111-a').auth));
    const foreign = other.notifications.edges[0].node.id;
    const refused = await t.gql(`mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`, { ids: [first.id, foreign] }, reader.auth);
    expect(refused.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const bad = await t.gql(`mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`, { ids: ['nope'] }, reader.auth);
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(ok(await t.gql(q, { first: 1 }, reader.auth)).unreadNotificationCount).toBe(all.unreadNotificationCount);

    const marked = ok(await t.gql(`mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id readAt } }`, { ids: [first.id] }, reader.auth));
    expect(marked.markNotificationsRead[0].readAt).not.toBeNull();
    const unread = ok(await t.gql(q, { u: true, first: 100 }, reader.auth));
    expect(unread.unreadNotificationCount).toBe(all.unreadNotificationCount - 1);
    expect(unread.notifications.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(first.id);
    expect(ok(await t.gql(`mutation { markAllNotificationsRead }`, {}, reader.auth)).markAllNotificationsRead).toBe(unread.unreadNotificationCount);
    expect(ok(await t.gql(q, { first: 1 }, reader.auth)).unreadNotificationCount).toBe(0);

    // Narrowing L1 back to PRIVATE (a manager of the owner chain): z112-a's notifications about it keep no lead.
    const narrowed = ok(await t.gql(`{ notifications(first: 100) { edges { node { kind lead { id } } } } }`, {}, user('z112-a').auth));
    expect(narrowed.notifications.edges.some((e: { node: { lead: { id: string } | null } }) => e.node.lead?.id === l1.id)).toBe(true);
    await world.sync(l1.id);
    await world.share(user('d15-mgr'), l1, 'PRIVATE');
    const after = ok(await t.gql(`{ notifications(first: 100) { edges { node { kind title lead { id } } } } }`, {}, user('z112-a').auth));
    const aboutL1 = after.notifications.edges.filter((e: { node: { title: string } }) => e.node.title.includes(l1.code));
    expect(aboutL1.length).toBeGreaterThan(0);
    expect(aboutL1.every((e: { node: { lead: unknown } }) => e.node.lead === null)).toBe(true);
    // And an invisible lead cannot be followed or unfollowed: NOT_FOUND, like a missing one.
    const unf = await t.gql(`mutation($id: ID!) { unfollowLead(id: $id) { id } }`, { id: l1.id }, user('z112-a').auth);
    expect(unf.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('preferences: role defaults, validation, and an API client is refused', async () => {
    const q = `{ notificationPreferences { mutedKinds industryCodes instant digest email } }`;
    expect(ok(await t.gql(q, {}, user('city-view').auth)).notificationPreferences).toEqual({
      mutedKinds: [],
      industryCodes: [],
      instant: false,
      digest: true,
      email: null,
    });
    expect(ok(await t.gql(q, {}, user('city-off').auth)).notificationPreferences).toMatchObject({ instant: true, digest: false });
    const bad = await t.gql(
      `mutation { updateNotificationPreferences(input: { industryCodes: ["NOT_AN_INDUSTRY"], email: "nope" }) { digest } }`,
      {},
      user('city-off').auth,
    );
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (bad.body.errors?.[0].extensions?.fields ?? []).map((f) => f.path).sort();
    expect(fields).toEqual(['input.email', 'input.industryCodes.0']);
    expect(ok(await t.gql(q, {}, user('city-off').auth)).notificationPreferences.industryCodes).toEqual([]); // no partial write
    const set = ok(
      await t.gql(
        `mutation { updateNotificationPreferences(input: { industryCodes: ["FOOD"], digest: true, email: "a@example.gov.cn" }) { industryCodes digest instant email } }`,
        {},
        user('city-off').auth,
      ),
    );
    expect(set.updateNotificationPreferences).toEqual({ industryCodes: ['FOOD'], digest: true, instant: true, email: 'a@example.gov.cn' });
    const key = await apiKey(t, 'notify-partner', '610100', ['leads:read']);
    for (const op of [q, `{ notifications { totalCount } }`, `{ unreadNotificationCount }`]) {
      expect((await t.gql(op, {}, { apiKey: key })).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });
});
