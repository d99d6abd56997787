/**
 * Partner webhooks in the zero-setup mode (`npm start`: PGlite, one database session, api and worker
 * in one process): the consumer's writes go through `delivery.manager`, so fan-out, attempts and
 * redelivery must not wait on the session their own transaction holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ApiClientService, UserService } from '@zs/identity';
import { TEST_PASSWORD, testRedisPrefix, testRedisUrl } from './support/harness';
import { verifyWebhookSignature } from '@zs/webhooks';
import { type RunningPlatform, startPlatform } from '../apps/api/src/standalone/platform';
import { deleteKeys } from '@zs/testing';
import { waitFor } from './support/outbox-context';

jest.setTimeout(120_000);

describe('partner webhooks on the embedded database (PGlite)', () => {
  let dir: string;
  let prefix: string;
  let p: RunningPlatform;
  let receiver: Server;
  let port: number;
  const received: { headers: IncomingMessage['headers']; body: string; answered: number }[] = [];
  let answers = [500, 200];

  const gql = async (query: string, variables: Record<string, unknown>, auth: Record<string, string>) => {
    const res = await fetch(`${p.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = answers.length > 1 ? answers.shift()! : answers[0];
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
    dir = mkdtempSync(path.join(tmpdir(), 'zs-webhooks-'));
    prefix = testRedisPrefix();
    p = await startPlatform({
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dir,
        PORT: '0',
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        OUTBOX_SWEEP_INTERVAL: '1s',
        ADMIN_PASSWORD: 'first-admin-password-1',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_RETRY_MAX_MS: '200',
        WEBHOOK_MAX_ATTEMPTS: '3',
      },
      host: '127.0.0.1',
    });
    expect(p.database).toContain('PGlite');
  });

  afterAll(async () => {
    await p?.stop();
    const redis = new Redis(testRedisUrl());
    await deleteKeys(redis, `${prefix}*`);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('fans out, retries, delivers signed, dead-letters and redelivers', async () => {
    const { key } = await p.app.get(ApiClientService).create({ name: 'pg-partner', unitCode: '610100', scopes: ['leads:read'] });
    await p.app.get(UserService).create({ username: 'pglite-officer', password: TEST_PASSWORD, unitCode: '610115-Z1', role: 'OFFICER' });
    const token = (
      await gql(`mutation($u: String!, $pw: String!) { login(username: $u, password: $pw) { accessToken } }`, { u: 'pglite-officer', pw: TEST_PASSWORD }, {})
    ).login.accessToken as string;
    const partner = { 'x-api-key': key };
    const created = (
      await gql(
        `mutation($url: String!) { createWebhook(url: $url, events: [LEAD_CREATED, LEAD_STAGE_CHANGED]) { secret webhook { id } } }`,
        { url: `http://127.0.0.1:${port}/hook` },
        partner,
      )
    ).createWebhook as { secret: string; webhook: { id: string } };

    const lead = (
      await gql(
        `mutation($input: CreateLeadInput!) { createLead(input: $input) { id version } }`,
        { input: { title: '嵌入式数据库项目', industryCode: 'NEV', sharingScope: 'PUBLIC', investor: { name: '嵌入式投资公司' } } },
        { authorization: `Bearer ${token}` },
      )
    ).createLead as { id: string; version: number };

    const list = async () =>
      (
        await gql(
          `query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { node { id status attempts eventType } } } }`,
          { id: created.webhook.id },
          partner,
        )
      ).webhookDeliveries.edges.map((e: any) => e.node) as { id: string; status: string; attempts: number; eventType: string }[];

    await waitFor('the delivery after one failure', async () => (await list())[0]?.status === 'DELIVERED', 30_000);
    expect(received.map((r) => r.answered)).toEqual([500, 200]);
    const ok = received[1];
    expect(verifyWebhookSignature(created.secret, String(ok.headers['x-zs-timestamp']), ok.body, String(ok.headers['x-zs-signature']))).toBe(true);
    expect(JSON.parse(ok.body)).toMatchObject({ type: 'lead.created', data: { lead: { id: lead.id } } });

    // A receiver that keeps failing: DEAD after 3 attempts, then redelivered once it is back.
    answers = [503];
    await gql(
      `mutation($id: ID!, $v: Int!) { changeLeadStage(id: $id, version: $v, stage: NEGOTIATING) { version } }`,
      { id: lead.id, v: lead.version },
      { authorization: `Bearer ${token}` },
    );
    await waitFor('DEAD', async () => (await list()).some((d) => d.status === 'DEAD'), 30_000);
    const dead = (await list()).find((d) => d.status === 'DEAD')!;
    expect(dead).toMatchObject({ eventType: 'LEAD_STAGE_CHANGED', attempts: 3 });
    answers = [200];
    await gql(`mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`, { id: dead.id }, partner);
    await waitFor('the redelivery', async () => (await list()).every((d) => d.status === 'DELIVERED'), 30_000);
    expect(received.filter((r) => r.answered === 200)).toHaveLength(2);
    expect(received).toHaveLength(2 + 3 + 1);
  });
});
