/**
 * Meilisearch configured but unreachable, failing or too slow: every search still answers, from
 * PostgreSQL, `engine` says so, the fallback is counted in /metrics, and /ready reports search as
 * degraded (200), not unavailable. No Meilisearch server exists here: a closed 127.0.0.1 port and a
 * local HTTP stand-in that answers 500 (or never answers) play the broken server over real HTTP.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { ok } from './support/gql';

jest.setTimeout(120_000);

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface StandIn {
  url: string;
  requests: { method: string; url: string; body: string }[];
  close(): Promise<void>;
}

/** Answers every request with `status`, or never answers when status is null. */
async function brokenMeili(status: number | null): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const hanging = new Set<IncomingMessage>();
  const srv: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      if (status === null) {
        hanging.add(req);
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'internal error', code: 'internal', type: 'internal', link: '' }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

const SEARCH = `query($q: String!, $f: LeadFilter) { searchLeads(query: $q, filter: $f, facets: [STAGE]) {
  totalHits engine hits { lead { title } } facets { facet values { value count } } } }`;

async function metric(t: TestApp, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((p) => l.includes(p)));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function withBrokenMeili(env: Record<string, string>, check: (t: TestApp, token: string) => Promise<void>): Promise<void> {
  const t = await startTestApp(env);
  try {
    await seedXian(t.app);
    const token = await userToken(t, 'fallback-officer', '610115-Z1', 'OFFICER');
    const create = `mutation($i: CreateLeadInput!) { createLead(input: $i) { id } }`;
    for (const title of ['待处理废旧电池回收项目', '航空发动机叶片项目']) {
      ok(await t.gql(create, { i: { title, industryCode: 'NEV', investor: { name: `${title}投资有限公司` }, sharingScope: 'CITY' } }, { token }));
    }
    await check(t, token);
  } finally {
    await t.close();
  }
}

async function expectPostgresAnswers(t: TestApp, token: string): Promise<void> {
  const r = ok(await t.gql(SEARCH, { q: '处理' }, { token })).searchLeads;
  expect(r.engine).toBe('POSTGRESQL');
  expect(r.totalHits).toBe(1);
  expect(r.hits[0].lead.title).toBe('待处理废旧电池回收项目');
  expect(r.facets).toEqual([{ facet: 'STAGE', values: [{ value: 'LEAD', count: 1 }] }]);
  const suggest = ok(await t.gql(`{ searchSuggest(prefix: "航空") }`, {}, { token })).searchSuggest;
  expect([...suggest].sort()).toEqual(['航空发动机叶片项目', '航空发动机叶片项目投资有限公司']);
}

async function expectDegraded(t: TestApp): Promise<void> {
  const res = await fetch(`${t.baseUrl}/ready`);
  const body = (await res.json()) as any;
  expect(res.status).toBe(200);
  expect(body.status).toBe('degraded');
  expect(body.failed).toEqual([]);
  expect(body.degraded).toEqual(expect.arrayContaining(['meilisearch', 'search']));
  expect(body.checks.search.error).toContain('PostgreSQL');
}

describe('search fallback to PostgreSQL', () => {
  it('MEILI_URL on a closed port: answers from PostgreSQL, counts the fallback, /ready degraded', async () => {
    await withBrokenMeili({ MEILI_URL: `http://127.0.0.1:${await closedPort()}` }, async (t, token) => {
      await expectPostgresAnswers(t, token);
      expect(await metric(t, 'zs_search_fallbacks_total', 'engine="MEILISEARCH",reason="error"')).toBe(1);
      // Within the retry pause the broken engine is skipped, still counted.
      expect(await metric(t, 'zs_search_fallbacks_total', 'engine="MEILISEARCH",reason="skipped"')).toBeGreaterThanOrEqual(1);
      expect(await metric(t, 'zs_search_requests_total', 'engine="POSTGRESQL",op="search"')).toBe(1);
      await expectDegraded(t);
    });
  });

  it('a server answering 500: the search request went out with the caller’s audience filter, PostgreSQL answered', async () => {
    const meili = await brokenMeili(500);
    try {
      await withBrokenMeili({ MEILI_URL: meili.url }, async (t, token) => {
        await expectPostgresAnswers(t, token);
        const search = meili.requests.find((r) => r.method === 'POST' && r.url === '/indexes/leads/search');
        expect(search).toBeDefined();
        const sent = JSON.parse(search!.body);
        expect(sent.q).toBe('处理');
        expect(sent.filter[0]).toMatch(/^audience IN \["chain:[0-9a-f-]{36}", "city", "district:[0-9a-f-]{36}"\]$/);
        expect(sent.facets).toEqual(['stage']);
        expect(await metric(t, 'zs_search_fallbacks_total', 'engine="MEILISEARCH",reason="error"')).toBe(1);
        await expectDegraded(t);
      });
    } finally {
      await meili.close();
    }
  });

  it('a server that never answers: the request times out (MEILI_TIMEOUT_MS) and PostgreSQL answers', async () => {
    const meili = await brokenMeili(null);
    try {
      await withBrokenMeili({ MEILI_URL: meili.url, MEILI_TIMEOUT_MS: '300' }, async (t, token) => {
        const started = Date.now();
        await expectPostgresAnswers(t, token);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(await metric(t, 'zs_search_fallbacks_total', 'engine="MEILISEARCH",reason="timeout"')).toBe(1);
      });
    } finally {
      await meili.close();
    }
  });

  it('filters only PostgreSQL can answer (hasConflict, investorUscc) go there without counting as a fallback', async () => {
    const meili = await brokenMeili(500);
    try {
      await withBrokenMeili({ MEILI_URL: meili.url }, async (t, token) => {
        const r = ok(await t.gql(SEARCH, { q: '处理', f: { hasConflict: false } }, { token })).searchLeads;
        expect(r.engine).toBe('POSTGRESQL');
        expect(r.totalHits).toBe(1);
        expect(meili.requests.filter((x) => x.url.endsWith('/search'))).toEqual([]);
        expect(await metric(t, 'zs_search_fallbacks_total', 'engine="MEILISEARCH"')).toBe(0);
      });
    } finally {
      await meili.close();
    }
  });
});
