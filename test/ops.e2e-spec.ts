import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * Meilisearch cannot be installed on the build machines; this HTTP server answers GET /health the
 * way Meilisearch documents it, so the readiness check is exercised over real HTTP.
 */
async function meiliStandIn(status: number, body: unknown): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const srv: Server = createServer((req, res) => {
    if (req.url === '/health') hits++;
    res.writeHead(req.url === '/health' ? status : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
  });
  afterAll(() => t?.close());

  it('GET /health answers while the process lives', async () => {
    const res = await fetch(`${t.baseUrl}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('GET /ready checks PostgreSQL and Redis', async () => {
    const res = await fetch(`${t.baseUrl}/ready`);
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      status: 'ready',
      failed: [],
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });
    // Meilisearch is not configured here, so it is not checked.
    expect(body.checks.meilisearch).toBeUndefined();
  });

  it('GET /metrics counts GraphQL operations by name and outcome, and HTTP requests by route', async () => {
    const token = await userToken(t, 'metrics-admin', '610100', 'ADMIN');
    const okRes = await t.gql(`query DistrictList { orgUnits(tier: DISTRICT) { code } }`, {}, { token });
    expect(okRes.body.errors).toBeUndefined();
    const denied = await t.gql(`query DistrictList { orgUnits(tier: DISTRICT) { code } }`);
    expect(denied.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await t.gql(`query { nope }`);
    await fetch(`${t.baseUrl}/no-such-page-${Date.now()}`);

    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('zs_graphql_operations_total{operation="DistrictList",outcome="ok"} 1');
    expect(text).toContain('zs_graphql_operations_total{operation="DistrictList",outcome="UNAUTHENTICATED"} 1');
    expect(text).toContain('zs_graphql_operations_total{operation="(unparsed)",outcome="GRAPHQL_VALIDATION_FAILED"} 1');
    expect(text).toMatch(/zs_graphql_operation_duration_seconds_count\{operation="DistrictList",outcome="ok"\} 1/);
    expect(text).toMatch(/zs_http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/);
    expect(text).toMatch(/zs_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/graphql",status="200"\} \d+/);
    expect(text).toContain('zs_http_requests_total{method="GET",route="/health",status="200"}');
    expect(text).toMatch(/zs_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).not.toContain('no-such-page');
    // Default process metrics.
    expect(text).toContain('zs_process_resident_memory_bytes');
    expect(text).toContain('zs_nodejs_eventloop_lag_seconds');
  });

  it('keeps a separate registry per application', async () => {
    const other = await startTestApp();
    try {
      const text = await (await fetch(`${other.baseUrl}/metrics`)).text();
      expect(text).toContain('# TYPE zs_graphql_operations_total counter');
      expect(text).not.toContain('DistrictList');
    } finally {
      await other.close();
    }
  });
});

describe('readiness with a failing dependency', () => {
  it('answers 503 naming Redis when Redis is unreachable, while /health stays 200', async () => {
    const t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    try {
      const res = await fetch(`${t.baseUrl}/ready`);
      const body = (await res.json()) as any;
      expect(res.status).toBe(503);
      expect(body.status).toBe('unavailable');
      expect(body.failed).toEqual(['redis']);
      expect(body.checks.postgres.ok).toBe(true);
      expect(body.checks.redis.ok).toBe(false);
      expect(body.checks.redis.error).toEqual(expect.any(String));
      expect((await fetch(`${t.baseUrl}/health`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('checks Meilisearch GET /health when MEILI_URL is set; down only degrades readiness (search falls back)', async () => {
    const healthy = await meiliStandIn(200, { status: 'available' });
    const broken = await meiliStandIn(503, { message: 'down' });
    const up = await startTestApp({ MEILI_URL: healthy.url });
    const down = await startTestApp({ MEILI_URL: broken.url });
    try {
      const good = await fetch(`${up.baseUrl}/ready`);
      expect(good.status).toBe(200);
      expect(((await good.json()) as any).checks.meilisearch).toMatchObject({ ok: true });
      expect(healthy.hits()).toBe(1);

      const bad = await fetch(`${down.baseUrl}/ready`);
      expect(bad.status).toBe(200);
      const body = (await bad.json()) as any;
      expect(body.status).toBe('degraded');
      expect(body.failed).toEqual([]);
      expect(body.degraded).toEqual(['meilisearch']);
      expect(body.checks.meilisearch.error).toContain('503');
    } finally {
      await Promise.all([up.close(), down.close()]);
      await Promise.all([healthy.close(), broken.close()]);
    }
  });
});
