import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { seedXian, startTestApp, type TestApp } from './support/harness';
import { createApiApp } from '../apps/api/src/bootstrap';
import { type Actor, createActors } from './support/actors';
import { ok } from './support/gql';
import { LeadWorld } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { sleep, waitFor } from './support/outbox-context';
import { notificationsSettled, startWorker } from './notify-support';

interface Live {
  client: Client;
  received: unknown[];
  errors: unknown[];
  closed: { code?: number; reason?: string } | null;
}

/** A graphql-ws client on `baseUrl` subscribed to `query`; collects what arrives. */
function subscribe(baseUrl: string, params: Record<string, unknown>, query: string): Promise<Live> {
  const live: Live = { client: undefined as unknown as Client, received: [], errors: [], closed: null };
  return new Promise((resolve) => {
    live.client = createClient({
      url: `${baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: params,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: {
        connected: () => resolve(live),
        closed: (e) => {
          const ev = e as { code?: number; reason?: string };
          live.closed = { code: ev.code, reason: ev.reason };
          resolve(live);
        },
      },
    });
    live.client.subscribe(
      { query },
      {
        next: (v) => live.received.push(v),
        error: (e) => live.errors.push(e),
        complete: () => undefined,
      },
    );
  });
}

const ADDED = `subscription { notificationAdded { id kind title body lead { id code } actorUnit { code } } }`;

describe('live notifications over graphql-ws (two api instances, Redis pub/sub)', () => {
  let t: TestApp;
  let second: INestApplication;
  let secondUrl: string;
  let worker: INestApplication;
  let world: LeadWorld;
  let actors: Map<string, Actor>;
  const clients: Client[] = [];
  const user = (n: string) => actors.get(n)!;
  const token = (n: string) => user(n).auth.token!;

  beforeAll(async () => {
    t = await startTestApp({ WS_AUTH_RECHECK: '1s' });
    await seedXian(t.app);
    // A second api instance on the same database and Redis: subscribers connect to either.
    second = await createApiApp(t.config);
    await second.listen(0, '127.0.0.1');
    secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as AddressInfo).port}`;
    worker = await startWorker(t);
    world = new LeadWorld(t, await OrgTree.load(t));
    actors = await createActors(t, [
      { name: 'live-owner', unit: '610115-Z1', role: 'OFFICER' },
      { name: 'live-mate', unit: '610115-Z1', role: 'OFFICER' },
      { name: 'live-d15', unit: '610115', role: 'MANAGER' },
      { name: 'live-other', unit: '610112-Z1', role: 'OFFICER' },
      { name: 'live-revoked', unit: '610115-Z2', role: 'OFFICER' },
    ]);
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await worker?.close();
    await second?.close();
    await t?.close();
  });

  async function sub(url: string, params: Record<string, unknown>, query = ADDED) {
    const live = await subscribe(url, params, query);
    clients.push(live.client);
    return live;
  }

  it('delivers to the recipient whichever instance it is connected to, nothing to anyone else, with the live unread count', async () => {
    const mate = await sub(t.baseUrl, { authorization: `Bearer ${token('live-mate')}` });
    const d15 = await sub(secondUrl, { token: token('live-d15') });
    const other = await sub(secondUrl, { token: token('live-other') });
    const count = await sub(secondUrl, { token: token('live-mate') }, `subscription { unreadNotificationCount }`);
    for (const l of [mate, d15, other, count]) expect(l.closed).toBeNull();
    await waitFor('the first count', () => count.received.length === 1);
    expect(count.received[0]).toEqual({ data: { unreadNotificationCount: 0 } });
    await sleep(200); // the subscriptions are registered on both instances

    const started = Date.now();
    const l = await world.create(user('live-owner'), 11, 'DISTRICT', 'live', { industryCode: 'FOOD' });
    await waitFor('both recipients to receive it live', () => mate.received.length === 1 && d15.received.length === 1, 10_000);
    const latency = Date.now() - started;
    expect(latency).toBeLessThan(5000);
    const got = (mate.received[0] as { data: { notificationAdded: { kind: string; title: string; lead: { code: string } } } }).data.notificationAdded;
    expect(got).toMatchObject({ kind: 'LEAD_SHARED', lead: { code: l.code } });
    expect(got.title).toContain(l.code);
    await waitFor('the live count', () => count.received.some((v) => JSON.stringify(v) === JSON.stringify({ data: { unreadNotificationCount: 1 } })));
    await notificationsSettled(t.db.url);
    await sleep(500);
    expect(other.received).toEqual([]);
    expect(other.errors).toEqual([]);

    // Marking read over HTTP moves the live count back.
    ok(await t.gql(`mutation { markAllNotificationsRead }`, {}, user('live-mate').auth));
    await waitFor('the count after reading', () => JSON.stringify(count.received.at(-1)) === JSON.stringify({ data: { unreadNotificationCount: 0 } }));
  });

  it('refuses bad credentials at connect, and closes the socket of a token revoked later', async () => {
    const bad = await subscribe(t.baseUrl, { token: 'not-a-token' }, ADDED);
    clients.push(bad.client);
    expect(bad.closed?.code).toBe(4403);
    const none = await subscribe(t.baseUrl, {}, ADDED);
    clients.push(none.client);
    expect(none.closed?.code).toBe(4403);

    const live = await sub(t.baseUrl, { token: token('live-revoked') });
    expect(live.closed).toBeNull();
    ok(await t.gql(`mutation { logout }`, {}, user('live-revoked').auth));
    await waitFor('the revoked token\'s socket to close', () => live.closed !== null, 5000);
    expect(live.closed?.code).toBe(4401);
  });

  it('applies the abuse limits and the input checks to subscriptions, serves only subscriptions, and still refuses them over HTTP', async () => {
    const params = { token: token('live-other') };
    const deep = `subscription { notificationAdded { lead { ownerUnit { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { code } } } } } } } } } } } } } } }`;
    const d = await sub(t.baseUrl, params, deep);
    await waitFor('the depth refusal', () => d.errors.length === 1);
    expect(JSON.stringify(d.errors[0])).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(d.errors[0])).toContain('depth');

    const q = await sub(t.baseUrl, params, `{ unreadNotificationCount }`);
    await waitFor('the query refusal', () => q.errors.length === 1);
    expect(JSON.stringify(q.errors[0])).toContain('BAD_USER_INPUT');

    const unknown = await sub(t.baseUrl, params, `subscription { nope }`);
    await waitFor('the validation error', () => unknown.errors.length === 1);
    expect(JSON.stringify(unknown.errors[0])).toContain('GRAPHQL_VALIDATION_FAILED');

    const http = await t.gql(ADDED, {}, user('live-other').auth);
    expect(http.status).toBe(400);
    expect(http.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    // An API client may connect (its key checks out) but notifications are for users.
    const { key } = await import('@zs/identity').then(async ({ ApiClientService }) =>
      t.app.get(ApiClientService).create({ name: 'live-partner', unitCode: '610100', scopes: ['leads:read'] }),
    );
    const partner = await sub(t.baseUrl, { apiKey: key });
    // Refused at subscribe time: an execution result with the error.
    await waitFor('the partner refusal', () => partner.received.length + partner.errors.length === 1);
    expect(JSON.stringify([...partner.received, ...partner.errors])).toContain('FORBIDDEN');
  });
});

describe('queue dashboard (Bull Board) at /admin/queues', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
  }, 60_000);
  afterAll(() => t?.close());

  it('is for ADMINs only', async () => {
    const actors = await createActors(t, [
      { name: 'qd-admin', unit: '610100', role: 'ADMIN' },
      { name: 'qd-manager', unit: '610100', role: 'MANAGER' },
    ]);
    expect((await fetch(`${t.baseUrl}/admin/queues`)).status).toBe(401);
    const manager = await fetch(`${t.baseUrl}/admin/queues`, { headers: { authorization: `Bearer ${actors.get('qd-manager')!.auth.token}` } });
    expect(manager.status).toBe(403);
    const admin = await fetch(`${t.baseUrl}/admin/queues?token=${actors.get('qd-admin')!.auth.token}`);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('<html');
    const cookie = admin.headers.get('set-cookie')!.split(';')[0];
    const api = await fetch(`${t.baseUrl}/admin/queues/api/queues`, { headers: { cookie } });
    expect(api.status).toBe(200);
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['outbox', 'notifications', 'notification-schedules']));
  });
});
