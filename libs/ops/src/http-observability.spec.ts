import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { JsonLogger, requestIdMiddleware } from '@zs/common';
import { httpObservability } from './http-observability';
import { MetricsService } from './metrics.service';

/** The access log and request metrics through a real Express server and real HTTP. */
describe('httpObservability', () => {
  let server: Server;
  let base: string;
  let lines: Record<string, unknown>[];
  let metrics: MetricsService;

  beforeAll(async () => {
    lines = [];
    metrics = new MetricsService();
    const logger = new JsonLogger('debug', 'test', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const app = express();
    app.use(requestIdMiddleware);
    app.use(httpObservability(metrics, logger));
    app.get('/items/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/boom', (_req, res) => {
      res.status(500).send('no');
    });
    app.get('/health', (_req, res) => {
      res.send('ok');
    });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    lines.length = 0;
  });

  const settle = () => new Promise((r) => setTimeout(r, 20));

  it('writes one JSON access line per request carrying the request id', async () => {
    const res = await fetch(`${base}/items/42?secret=x`, { headers: { 'x-request-id': 'req-abcdef-123' } });
    expect(res.status).toBe(200);
    await settle();
    const access = lines.filter((l) => l.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 'info',
      requestId: 'req-abcdef-123',
      method: 'GET',
      path: '/items/42',
      route: '/items/:id',
      status: 200,
    });
    expect(typeof access[0].durationMs).toBe('number');
    // The query string is not logged.
    expect(JSON.stringify(access[0])).not.toContain('secret');
  });

  it('logs server errors as warnings and probes only at debug', async () => {
    await fetch(`${base}/boom`);
    await fetch(`${base}/health`);
    await settle();
    expect(lines.find((l) => l.path === '/boom')).toMatchObject({ level: 'warn', status: 500 });
    expect(lines.find((l) => l.path === '/health')).toMatchObject({ level: 'debug', status: 200 });
  });

  it('labels metrics by route template and folds unknown paths into "unmatched"', async () => {
    await fetch(`${base}/items/1`);
    await fetch(`${base}/items/2`);
    await fetch(`${base}/no/such/${Date.now()}`);
    await settle();
    const text = await metrics.render();
    expect(text).toMatch(/zs_http_requests_total\{method="GET",route="\/items\/:id",status="200"\} [3-9]/);
    expect(text).toContain('zs_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).not.toContain('/no/such');
    expect(text).toContain('zs_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/items/:id",status="200"}');
  });
});

describe('MetricsService', () => {
  it('keeps a registry per instance', async () => {
    const a = new MetricsService();
    const b = new MetricsService();
    a.observeHttp('GET', '/x', 200, 0.01);
    expect(await a.render()).toContain('zs_http_requests_total{method="GET",route="/x",status="200"} 1');
    expect(await b.render()).not.toContain('route="/x"');
    expect(await b.render()).toContain('zs_process_cpu_user_seconds_total');
  });

  it('bounds the operation-name label set', () => {
    const m = new MetricsService();
    for (let i = 0; i < 200; i++) expect(m.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(m.operationLabel('OneTooMany')).toBe('(other)');
    expect(m.operationLabel('Op7')).toBe('Op7');
    expect(m.operationLabel(undefined)).toBe('(anonymous)');
    expect(m.operationLabel('not a name{}')).toBe('(invalid)');
    expect(m.outcomeLabel(undefined)).toBe('ok');
    expect(m.outcomeLabel('FORBIDDEN')).toBe('FORBIDDEN');
    expect(m.outcomeLabel('weird code"')).toBe('ERROR');
  });
});
