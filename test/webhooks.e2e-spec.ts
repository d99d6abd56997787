/**
 * Partner webhooks (issue #9, "Partner webhooks for API clients"), end to end on real PostgreSQL and
 * Redis: the api (GraphQL) and the worker application (outbox consumer `webhooks`, delivery queue)
 * as separate processes' apps on one database, and a receiver on 127.0.0.1 started by the test.
 * The api allows 127.0.0.1 and localhost as targets (WEBHOOK_ALLOWED_HOSTS), the worker only
 * 127.0.0.1: a webhook to localhost is accepted at creation and refused at delivery time.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig } from '@zs/config';
import { OutboxRelayService } from '@zs/outbox';
import { apiKey, seedXian, startTestApp, testRedisUrl, userToken, type TestApp } from './support/harness';
import { WebhookDeliveryService, verifyWebhookSignature } from '@zs/webhooks';
import { createWorkerApp } from '../apps/worker/src/bootstrap';
import { errorsOf, ok, outcomeOf, type Auth } from './support/gql';
import { sleep, waitFor } from './support/outbox-context';
import { makeUscc } from './support/uscc';

jest.setTimeout(90_000);

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  answered: number;
}

const MAX_ATTEMPTS = 4;

describe('partner webhooks', () => {
  let t: TestApp;
  let worker: INestApplication;
  let workerBase: string;
  let receiver: Server;
  let port: number;
  const received: Received[] = [];
  /** Status answered per path: a list is consumed one per request, then the last stays. */
  const script = new Map<string, number[]>();
  let officer: string;
  let admin: string;
  let partner: Auth;
  let partnerId: string;
  let n = 1;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const plan = script.get(path) ?? [200];
        const status = plan.length > 1 ? plan.shift()! : plan[0];
        received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: status });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try later');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;

    const fast = { WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_RETRY_MAX_MS: '400', WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS) };
    t = await startTestApp({ ...fast, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost' });
    await seedXian(t.app);
    // The worker first: a consumer receives the events dispatched after it registered.
    worker = await createWorkerApp(
      loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATABASE_URL: t.db.url,
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: t.config.redisPrefix,
        OUTBOX_SWEEP_INTERVAL: '1s',
        WORKER_PORT: '0',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        ...fast,
      }),
    );
    await worker.listen(0, '127.0.0.1');
    workerBase = `http://127.0.0.1:${(worker.getHttpServer().address() as AddressInfo).port}`;
    await worker.get(OutboxRelayService).registerConsumers();

    officer = await userToken(t, 'wh-officer', '610115-Z1', 'OFFICER');
    admin = await userToken(t, 'wh-admin', '610100', 'ADMIN');
    partner = { apiKey: await apiKey(t, 'wh-partner', '610100', ['leads:read']) };
    partnerId = ok(await t.gql(`{ me { ... on ApiClient { id } } }`, {}, partner)).me.id;
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  // Each case with its own webhooks: earlier ones would hear of later cases' leads.
  afterEach(() => t.app.get(DataSource).query(`DELETE FROM webhook`));

  const url = (path: string, host = '127.0.0.1') => `http://${host}:${port}${path}`;
  const at = (path: string) => received.filter((r) => r.path === path);

  async function createWebhook(path: string, events: string[], auth: Auth = partner, host = '127.0.0.1') {
    const res = await t.gql(
      `mutation($url: String!, $events: [WebhookEventType!]!) {
         createWebhook(url: $url, events: $events) { secret webhook { id url events active apiClientId } }
       }`,
      { url: url(path, host), events },
      auth,
    );
    return ok(res, 'createWebhook').createWebhook as { secret: string; webhook: { id: string; events: string[]; apiClientId: string } };
  }

  async function createLead(title: string, sharingScope: string) {
    const i = n++;
    const res = await t.gql(
      `mutation($input: CreateLeadInput!) { createLead(input: $input) { id version } }`,
      {
        input: {
          title,
          industryCode: 'NEV',
          investmentAmount: '1200',
          sharingScope,
          investor: { name: `${title}投资公司`, uscc: makeUscc(7000 + i) },
          contacts: [{ name: '王经理', phone: '13800000000', email: 'wang@example.com' }],
        },
      },
      { token: officer },
    );
    return ok(res, 'createLead').createLead as { id: string; version: number };
  }

  async function deliveries(webhookId: string, status?: string, auth: Auth = partner) {
    const res = await t.gql(
      `query($id: ID!, $status: WebhookDeliveryStatus) {
         webhookDeliveries(webhookId: $id, status: $status) {
           totalCount edges { node { id eventId eventType status attempts lastStatusCode lastError deliveredAt nextAttemptAt } }
         }
       }`,
      { id: webhookId, status },
      auth,
    );
    return (ok(res, 'webhookDeliveries').webhookDeliveries.edges as { node: Record<string, any> }[]).map((e) => e.node);
  }

  const deliveryRows = (leadId: string) =>
    t.app.get(DataSource).query(`SELECT webhook_id, event_id, status FROM webhook_delivery WHERE lead_id = $1`, [leadId]) as Promise<
      { webhook_id: string; event_id: string; status: string }[]
    >;

  /** The `webhooks` consumer has handled every event of the lead (so "no delivery" is final). */
  const consumed = (leadId: string) =>
    waitFor('the webhooks consumer to handle the events', async () => {
      const [row] = (await t.app.get(DataSource).query(
        `SELECT count(*)::int AS events,
                count(d.done_at)::int AS done
           FROM outbox_event e LEFT JOIN outbox_delivery d ON d.event_id = e.id AND d.consumer = 'webhooks'
          WHERE e.lead_id = $1`,
        [leadId],
      )) as { events: number; done: number }[];
      return row.events > 0 && row.done === row.events;
    });

  it('retries a receiver that fails three times, then delivers exactly once, signed', async () => {
    script.set('/flaky', [500, 502, 503, 200]);
    const { secret, webhook } = await createWebhook('/flaky', ['LEAD_CREATED']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ events: ['LEAD_CREATED'], active: true, apiClientId: partnerId });
    const lead = await createLead('公开新能源项目', 'PUBLIC');

    await waitFor('the fourth attempt', () => at('/flaky').length >= 4, 30_000);
    await waitFor('DELIVERED', async () => (await deliveries(webhook.id))[0]?.status === 'DELIVERED');
    await sleep(1500); // a sweep or two later: nothing is sent again
    const requests = at('/flaky');
    expect(requests.map((r) => r.answered)).toEqual([500, 502, 503, 200]);
    const accepted = requests.filter((r) => r.answered === 200);
    expect(accepted).toHaveLength(1);

    const [req] = accepted;
    const ts = String(req.headers['x-zs-timestamp']);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
    expect(req.headers['x-zs-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, ts, req.body, String(req.headers['x-zs-signature']))).toBe(true);
    expect(verifyWebhookSignature(secret, ts, `${req.body} `, String(req.headers['x-zs-signature']))).toBe(false);
    expect(req.headers['x-zs-webhook-id']).toBe(webhook.id);
    expect(req.headers['content-type']).toBe('application/json');

    const body = JSON.parse(req.body);
    expect(Object.keys(body).sort()).toEqual(['data', 'id', 'occurredAt', 'type']);
    expect(body.type).toBe('lead.created');
    expect(req.headers['x-zs-event-id']).toBe(body.id);
    // Every attempt carried the same event id (the receiver's deduplication key).
    expect(new Set(requests.map((r) => JSON.parse(r.body).id))).toEqual(new Set([body.id]));
    expect(body.data.lead).toMatchObject({ id: lead.id, title: '公开新能源项目', sharingScope: 'PUBLIC', investmentAmount: '1200.00' });
    expect(body.data.lead.ownerUnit).toMatchObject({ code: '610115-Z1' });
    // What the Lead type shows API clients: no USCC, no contacts, no people.
    expect(body.data.lead.investor).toEqual({ name: '公开新能源项目投资公司', uscc: null, countryOrRegion: null });
    expect(req.body).not.toContain('王经理');
    expect(req.body).not.toContain('13800000000');
    expect(req.body).not.toContain(makeUscc(7000 + n - 1));
    for (const key of ['contacts', 'createdBy', 'createdById', 'activities', 'conflicts']) expect(body.data.lead).not.toHaveProperty(key);

    const [d] = await deliveries(webhook.id);
    expect(d).toMatchObject({ eventId: body.id, eventType: 'LEAD_CREATED', status: 'DELIVERED', attempts: 4, lastStatusCode: 200, nextAttemptAt: null });
  });

  it('dead-letters a receiver that always fails; the delivery is listed and can be redelivered', async () => {
    script.set('/down', [503]);
    const { secret, webhook } = await createWebhook('/down', ['LEAD_CREATED', 'LEAD_SHARED']);
    const lead = await createLead('一直失败的接收方', 'PUBLIC');
    await waitFor('DEAD', async () => (await deliveries(webhook.id, 'DEAD')).length === 1, 30_000);
    expect(at('/down')).toHaveLength(MAX_ATTEMPTS);
    const [dead] = await deliveries(webhook.id, 'DEAD');
    expect(dead).toMatchObject({ status: 'DEAD', attempts: MAX_ATTEMPTS, lastStatusCode: 503, nextAttemptAt: null });
    expect(dead.lastError).toContain('HTTP 503');
    expect(await deliveries(webhook.id, 'DELIVERED')).toEqual([]);

    // Another webhook's caller cannot see or redeliver it: it does not exist for them.
    const other = { apiKey: await apiKey(t, 'wh-other', '610100', ['leads:read']) };
    expect(outcomeOf(await t.gql(`query($id: ID!) { webhookDeliveries(webhookId: $id) { totalCount } }`, { id: webhook.id }, other))).toBe('NOT_FOUND');
    expect(outcomeOf(await t.gql(`mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`, { id: dead.id }, other))).toBe('NOT_FOUND');

    script.set('/down', [200]);
    const res = ok(await t.gql(`mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status attempts } }`, { id: dead.id }, partner));
    expect(res.redeliverWebhook).toMatchObject({ id: dead.id, status: 'PENDING', attempts: 0 });
    await waitFor('the redelivery', async () => (await deliveries(webhook.id))[0]?.status === 'DELIVERED');
    const accepted = at('/down').filter((r) => r.answered === 200);
    expect(accepted).toHaveLength(1);
    const req = accepted[0];
    expect(verifyWebhookSignature(secret, String(req.headers['x-zs-timestamp']), req.body, String(req.headers['x-zs-signature']))).toBe(true);
    expect(JSON.parse(req.body)).toMatchObject({ id: dead.eventId, type: 'lead.created', data: { lead: { id: lead.id } } });

    // An ADMIN above the client's unit sees the same deliveries.
    expect((await deliveries(webhook.id, undefined, { token: admin })).map((d) => d.id)).toEqual([dead.id]);
  });

  it('refuses private, loopback and link-local targets at creation', async () => {
    const create = (target: string) =>
      t.gql(`mutation($url: String!) { createWebhook(url: $url, events: [LEAD_CREATED]) { secret } }`, { url: target }, partner);
    for (const target of [
      'http://10.0.0.1/hook',
      'http://192.168.1.20:8080/hook',
      'http://169.254.169.254/latest/meta-data',
      `http://127.0.0.2:${port}/hook`,
      'http://[::1]/hook',
      'http://[fd00::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://0.0.0.0/hook',
      'ftp://partner.example.com/hook',
      'http://user:pw@127.0.0.1/hook',
    ]) {
      const res = await create(target);
      expect([target, outcomeOf(res)]).toEqual([target, 'BAD_USER_INPUT']);
      expect(errorsOf(res)[0].extensions?.fields?.map((f) => f.path)).toEqual(['url']);
    }
    const res = await create('http://10.0.0.1/hook');
    expect(errorsOf(res)[0].extensions?.fields?.[0].message).toContain('resolves to 10.0.0.1');
    // Nothing was written.
    const [count] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM webhook WHERE url LIKE '%/hook%'`);
    expect(count.n).toBe(0);
  });

  it('refuses a private target at delivery time too (the worker does not allow localhost)', async () => {
    const { webhook } = await createWebhook('/local', ['LEAD_CREATED'], partner, 'localhost');
    await createLead('投递时拒绝', 'PUBLIC');
    await waitFor('DEAD', async () => (await deliveries(webhook.id, 'DEAD')).length === 1, 30_000);
    const [dead] = await deliveries(webhook.id, 'DEAD');
    expect(dead.attempts).toBe(MAX_ATTEMPTS);
    expect(dead.lastStatusCode).toBeNull();
    expect(dead.lastError).toMatch(/^target refused: the host localhost resolves to/);
    expect(at('/local')).toHaveLength(0);
  });

  it('tells a client only about leads it may see, at fan-out and again at delivery', async () => {
    const { webhook } = await createWebhook('/visible', ['LEAD_CREATED', 'LEAD_SHARED', 'LEAD_STAGE_CHANGED']);
    // A key with leads:write of the owner's unit sees the unit's own leads, private ones included.
    const own = { apiKey: await apiKey(t, 'wh-own-unit', '610115-Z1', ['leads:read', 'leads:write']) };
    const ownHook = await createWebhook('/own', ['LEAD_CREATED'], own);

    const hidden = await createLead('内部项目', 'DISTRICT');
    await consumed(hidden.id);
    const rows = await deliveryRows(hidden.id);
    expect(rows.map((r) => r.webhook_id)).toEqual([ownHook.webhook.id]);
    await waitFor('the own-unit delivery', () => at('/own').length === 1);
    expect(at('/visible')).toHaveLength(0);

    // Shared to PUBLIC: now the partner hears of it (the share event), and only of that.
    const shared = ok(
      await t.gql(
        `mutation($id: ID!, $v: Int!) { shareLead(id: $id, scope: PUBLIC, version: $v) { version } }`,
        { id: hidden.id, v: hidden.version },
        { token: officer },
      ),
    ).shareLead;
    await waitFor('the share delivery', () => at('/visible').length === 1);
    const body = JSON.parse(at('/visible')[0].body);
    expect(body).toMatchObject({ type: 'lead.shared', data: { lead: { id: hidden.id, sharingScope: 'PUBLIC' }, change: { from: 'DISTRICT', to: 'PUBLIC' } } });

    // Not visible any more by the time of the attempt: no request, the delivery is given up.
    script.set('/visible', [200]);
    const pg = t.app.get(DataSource);
    const [pending] = await pg.query(`SELECT count(*)::int AS n FROM webhook_delivery WHERE webhook_id = $1`, [webhook.id]);
    await pg.query(`UPDATE lead SET sharing_scope = 'PRIVATE' WHERE id = $1`, [hidden.id]);
    const [event] = await pg.query(`SELECT event_id FROM webhook_delivery WHERE webhook_id = $1`, [webhook.id]);
    await pg.query(`UPDATE webhook_delivery SET status = 'PENDING', attempts = 0, next_attempt_at = now() WHERE webhook_id = $1`, [webhook.id]);
    // No job for it: the sweep (every 30 s in the worker) finds due deliveries; run it now.
    expect(await worker.get(WebhookDeliveryService).enqueueDue()).toBe(1);
    await waitFor('the re-check', async () => (await deliveries(webhook.id))[0]?.status === 'DEAD');
    expect(pending.n).toBe(1);
    expect((await deliveries(webhook.id))[0]).toMatchObject({ eventId: event.event_id, lastError: 'the lead is no longer visible to this API client' });
    expect(at('/visible')).toHaveLength(1);
    expect(shared.version).toBeGreaterThan(hidden.version);
  });

  it('makes one webhook delivery of an outbox event delivered twice', async () => {
    const { webhook } = await createWebhook('/twice', ['LEAD_CREATED']);
    const lead = await createLead('重复事件', 'PUBLIC');
    await waitFor('the delivery', () => at('/twice').length === 1);
    await consumed(lead.id);

    // The outbox delivers the same event to the consumer again (a replay, or a crash after handle).
    const pg = t.app.get(DataSource);
    await pg.query(
      `UPDATE outbox_delivery SET done_at = NULL, next_attempt_at = now()
        WHERE consumer = 'webhooks' AND event_id IN (SELECT id FROM outbox_event WHERE lead_id = $1)`,
      [lead.id],
    );
    const relay = worker.get(OutboxRelayService);
    await waitFor('the second handling', async () => {
      await relay.deliverPending('webhooks');
      const [row] = await pg.query(
        `SELECT count(*)::int AS n FROM outbox_delivery d JOIN outbox_event e ON e.id = d.event_id
          WHERE d.consumer = 'webhooks' AND e.lead_id = $1 AND d.done_at IS NULL`,
        [lead.id],
      );
      return row.n === 0;
    });
    await sleep(1000);
    expect(await deliveryRows(lead.id)).toHaveLength(1);
    expect(at('/twice')).toHaveLength(1);
    expect((await deliveries(webhook.id)).map((d) => d.status)).toEqual(['DELIVERED']);
  });

  it('manages webhooks: API clients their own, ADMINs those of their subtree, nobody else', async () => {
    const { webhook } = await createWebhook('/managed', ['LEAD_ASSIGNED']);
    const list = ok(await t.gql(`{ webhooks { totalCount edges { node { id url } } } }`, {}, partner)).webhooks;
    expect(list.edges.map((e: any) => e.node.id)).toContain(webhook.id);
    expect(JSON.stringify(list)).not.toContain('whsec_');

    const adminList = ok(await t.gql(`query($c: ID) { webhooks(apiClientId: $c) { totalCount } }`, { c: partnerId }, { token: admin })).webhooks;
    expect(adminList.totalCount).toBe(list.totalCount);

    // An ADMIN creates one for a client by naming it; without a client the input is incomplete.
    const byAdmin = ok(
      await t.gql(
        `mutation($url: String!, $c: ID) { createWebhook(url: $url, events: [LEAD_CREATED], apiClientId: $c) { webhook { apiClientId } } }`,
        { url: url('/by-admin'), c: partnerId },
        { token: admin },
      ),
    ).createWebhook;
    expect(byAdmin.webhook.apiClientId).toBe(partnerId);
    const missing = await t.gql(`mutation($url: String!) { createWebhook(url: $url, events: [LEAD_CREATED]) { secret } }`, { url: url('/x') }, { token: admin });
    expect(outcomeOf(missing)).toBe('BAD_USER_INPUT');
    expect(errorsOf(missing)[0].extensions?.fields?.map((f) => f.path)).toEqual(['apiClientId']);
    const noEvents = await t.gql(`mutation($url: String!) { createWebhook(url: $url, events: []) { secret } }`, { url: url('/x') }, partner);
    expect(errorsOf(noEvents)[0].extensions?.fields?.map((f) => f.path)).toEqual(['events']);

    // Officers manage no webhooks; another client's webhook looks missing.
    expect(outcomeOf(await t.gql(`{ webhooks { totalCount } }`, {}, { token: officer }))).toBe('FORBIDDEN');
    const other = { apiKey: await apiKey(t, 'wh-stranger', '610100', ['leads:read']) };
    expect(outcomeOf(await t.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id }, other))).toBe('NOT_FOUND');
    expect(outcomeOf(await t.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: 'nope' }, partner))).toBe('NOT_FOUND');

    expect(ok(await t.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id }, partner)).deleteWebhook).toBe(true);
    expect(outcomeOf(await t.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id }, partner))).toBe('NOT_FOUND');
  });

  it('keeps at most 10 webhooks per client, also under concurrent creation', async () => {
    const busy = { apiKey: await apiKey(t, 'wh-busy', '610100', ['leads:read']) };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.gql(`mutation($url: String!) { createWebhook(url: $url, events: [LEAD_CREATED]) { webhook { id } } }`, { url: url(`/busy/${i}`) }, busy),
      ),
    );
    const outcomes = results.map(outcomeOf).sort();
    expect(outcomes).toEqual([...Array(2).fill('CONFLICT'), ...Array(10).fill('OK')]);
    expect(ok(await t.gql(`{ webhooks { totalCount } }`, {}, busy)).webhooks.totalCount).toBe(10);
  });

  it('counts deliveries and failures per channel in the worker /metrics', async () => {
    const text = await (await fetch(`${workerBase}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{channel="webhook"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    expect(value('zs_webhook_deliveries_total')).toBeGreaterThanOrEqual(3);
    expect(value('zs_webhook_delivery_failures_total')).toBeGreaterThanOrEqual(3 + MAX_ATTEMPTS * 2);
    expect(value('zs_webhook_dead_deliveries_total')).toBeGreaterThanOrEqual(2);
  });
});
