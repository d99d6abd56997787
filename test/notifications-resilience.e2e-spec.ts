import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { seedXian, startTestApp, type TestApp } from './support/harness';
import { UserService } from '@zs/identity';
import { startPlatform, type RunningPlatform } from '../apps/api/src/standalone/platform';
import { type Actor, createActors } from './support/actors';
import { ok } from './support/gql';
import { LeadWorld, leadInput } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { waitFor } from './support/outbox-context';
import { PrivateRedisServer, freePort } from './support/private-redis-server';
import { withPg } from './support/pg';
import { notificationRows, notificationsSettled, startWorker } from './notify-support';

describe('notifications while Redis is down (a private redis-server, killed and restarted empty)', () => {
  let redis: PrivateRedisServer;
  let t: TestApp;
  let worker: INestApplication;
  let actors: Map<string, Actor>;

  beforeAll(async () => {
    redis = new PrivateRedisServer(await freePort());
    await redis.start();
    t = await startTestApp({ REDIS_URL: redis.url });
    await seedXian(t.app);
    worker = await startWorker(t);
    actors = await createActors(t, [
      { name: 'rd-owner', unit: '610115-Z1', role: 'OFFICER' },
      { name: 'rd-mate', unit: '610115-Z1', role: 'OFFICER' },
      { name: 'rd-z2', unit: '610115-Z2', role: 'OFFICER' },
      { name: 'rd-d15', unit: '610115', role: 'MANAGER' },
      { name: 'rd-out', unit: '610112-Z1', role: 'OFFICER' },
    ]);
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await redis?.kill();
  });

  it('every write succeeds; after Redis returns every notification arrives exactly once', async () => {
    const owner = actors.get('rd-owner')!;
    const world = new LeadWorld(t, await OrgTree.load(t));
    await redis.kill();
    const leads = [];
    for (let i = 0; i < 5; i++) {
      leads.push(await world.create(owner, 40 + i, 'DISTRICT', `rd${i}`, { industryCode: 'FOOD' }));
    }
    // Written and committed, but nothing moves without Redis: no relay, no stage 2.
    expect(await withPg(t.db.url, async (c) => (await c.query(`SELECT count(*)::int AS n FROM outbox_event`)).rows[0].n)).toBeGreaterThanOrEqual(5);
    expect(await notificationRows(t.db.url)).toEqual([]);
    await redis.start(); // empty: no jobs, no schedules (QueueFactory re-creates them)
    await waitFor(
      'every notification',
      async () => (await notificationRows(t.db.url)).length === leads.length * 3,
      60_000,
    );
    await notificationsSettled(t.db.url);
    const rows = await notificationRows(t.db.url);
    for (const l of leads) {
      expect(rows.filter((r) => r.leadId === l.id).map((r) => r.username).sort()).toEqual(['rd-d15', 'rd-mate', 'rd-z2']);
    }
    const keys = rows.map((r) => `${r.eventId}/${r.userId}`);
    expect(new Set(keys).size).toBe(keys.length);
  }, 90_000);
});

describe('notifications on the zero-setup starter (PGlite, one session; api and worker in one process)', () => {
  let dir: string;
  let p: RunningPlatform;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zs-notify-'));
    p = await startPlatform({
      env: { PATH: process.env.PATH, DATA_DIR: dir, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'error', OUTBOX_SWEEP_INTERVAL: '1s', ADMIN_PASSWORD: 'chosen-password-123' },
      host: '127.0.0.1',
    });
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${p.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] }, headers: res.headers };
  };
  const login = async (username: string) =>
    ok(await gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: username, p: 'correct-horse-battery' })).login
      .accessToken as string;

  it('a shared lead reaches the district inbox, once, and the inbox reads back over GraphQL', async () => {
    const users = p.app.get(UserService);
    for (const [username, unitCode] of [['pg-owner', '610115-Z1'], ['pg-mate', '610115-Z2'], ['pg-out', '610112-Z1']]) {
      await users.create({ username, password: 'correct-horse-battery', unitCode, role: 'OFFICER' });
    }
    const owner = await login('pg-owner');
    const mate = await login('pg-mate');
    const out = await login('pg-out');
    const created = ok(await gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { id code } }`, { input: leadInput(7, { sharingScope: 'DISTRICT' }) }, owner)).createLead;
    const q = `{ unreadNotificationCount notifications { totalCount edges { node { kind title lead { code } } } } }`;
    await waitFor('the notification', async () => ok(await gql(q, {}, mate)).unreadNotificationCount === 1, 30_000);
    const inbox = ok(await gql(q, {}, mate));
    expect(inbox.notifications.edges[0].node).toMatchObject({ kind: 'LEAD_SHARED', lead: { code: created.code } });
    expect(ok(await gql(q, {}, out)).unreadNotificationCount).toBe(0);
    expect(ok(await gql(q, {}, owner)).unreadNotificationCount).toBe(0); // never the actor
    const followed = ok(await gql(`mutation($id: ID!) { followLead(id: $id) { followedByMe } }`, { id: created.id }, mate)).followLead;
    expect(followed.followedByMe).toBe(true);
  }, 60_000);
});
