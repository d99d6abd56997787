/**
 * Zero-setup mode (PGlite, one database session) with MEILI_URL: the starter registers the
 * search-index consumer, which must read the lead through its delivery's transaction (a DataSource
 * query would wait for that very transaction). Meilisearch is the index-API stand-in over HTTP; it
 * cannot search, so searches fall back to PostgreSQL on PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPlatform, type RunningPlatform } from '../apps/api/src/standalone/platform';
import { startMeiliStandIn, type MeiliStandIn } from './support/meili-stand-in';

jest.setTimeout(180_000);

describe('search indexing on PGlite (npm start with MEILI_URL)', () => {
  let dir: string;
  let p: RunningPlatform;
  let meili: MeiliStandIn;
  let token: string;
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${p.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as any;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  beforeAll(async () => {
    meili = await startMeiliStandIn();
    dir = mkdtempSync(path.join(tmpdir(), 'zs-search-index-pglite-'));
    p = await startPlatform({
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dir,
        PORT: '0',
        NODE_ENV: 'development',
        LOG_LEVEL: 'error',
        ADMIN_PASSWORD: 'search-admin-pass-1',
        MEILI_URL: meili.url,
      },
      host: '127.0.0.1',
    });
    const login = await fetch(`${p.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(username: "admin", password: "search-admin-pass-1") { accessToken } }` }),
    });
    token = ((await login.json()) as any).data.login.accessToken;
  });
  afterAll(async () => {
    await p?.stop();
    await meili?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes a committed lead through the delivery transaction, settings first; search falls back to PostgreSQL', async () => {
    const { createLead } = await gql(`mutation($i: CreateLeadInput!) { createLead(input: $i) { id } }`, {
      i: { title: '待处理废旧电池回收项目', industryCode: 'NEV', investor: { name: '秦创新能源有限公司' }, sharingScope: 'CITY' },
    });
    const deadline = Date.now() + 20_000;
    while (!meili.indexes.get('leads')?.has(createLead.id)) {
      if (Date.now() > deadline) throw new Error(`not indexed; requests: ${JSON.stringify(meili.requests)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const doc = meili.indexes.get('leads')!.get(createLead.id)!;
    expect(doc.titleTerms).toContain('处理');
    expect(doc.audience).toContain('city');
    const order = meili.requests.map((r) => `${r.method} ${r.path}`);
    expect(order.indexOf('PATCH indexes/leads/settings')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('PATCH indexes/leads/settings')).toBeLessThan(order.indexOf('POST indexes/leads/documents'));
    expect(meili.settings.get('leads')!.filterableAttributes).toContain('audience');

    const r = await gql(`{ searchLeads(query: "处理") { totalHits engine hits { lead { id } } } }`);
    expect(r.searchLeads).toEqual({ totalHits: 1, engine: 'POSTGRESQL', hits: [{ lead: { id: createLead.id } }] });
  });
});
