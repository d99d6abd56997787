/**
 * Zero-setup mode searches too: the PostgreSQL engine's functions and expression index on PGlite
 * (PostgreSQL 17 builds indexes with a restricted search_path, which the migration must survive).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { startPlatform, type RunningPlatform } from '../apps/api/src/standalone/platform';

jest.setTimeout(180_000);

describe('search on PGlite (npm start)', () => {
  let dir: string;
  let p: RunningPlatform;
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
    dir = mkdtempSync(path.join(tmpdir(), 'zs-search-pglite-'));
    p = await startPlatform({
      env: { PATH: process.env.PATH, DATA_DIR: dir, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'error', ADMIN_PASSWORD: 'search-admin-pass-1' },
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
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a two-character word inside a longer one, with totals, facets and highlights, through the index', async () => {
    const create = `mutation($i: CreateLeadInput!) { createLead(input: $i) { id } }`;
    const titles = ['待处理废旧电池回收项目', '航空发动机叶片项目', '光子芯片研发中心'];
    for (const title of titles) {
      await gql(create, { i: { title, industryCode: 'NEV', investor: { name: `${title}投资有限公司` }, sharingScope: 'CITY' } });
    }
    const r = await gql(`{ searchLeads(query: "处理", facets: [INDUSTRY]) { totalHits engine
        hits { lead { title } highlights { field snippet } } facets { facet values { value label count } } } }`);
    expect(r.searchLeads.engine).toBe('POSTGRESQL');
    expect(r.searchLeads.totalHits).toBe(1);
    expect(r.searchLeads.hits[0].lead.title).toBe(titles[0]);
    expect(r.searchLeads.hits[0].highlights[0]).toEqual({ field: 'TITLE', snippet: '待<mark>处理</mark>废旧电池回收项目' });
    expect(r.searchLeads.facets).toEqual([{ facet: 'INDUSTRY', values: [{ value: 'NEV', label: '新能源汽车', count: 1 }] }]);
    const all = await gql(`{ searchLeads(query: "项目") { totalHits } }`);
    expect(all.searchLeads.totalHits).toBe(2);
    const [{ n }] = await p.app.get(DataSource).query(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'lead_search_terms'`,
    );
    expect(n).toBe(1);
  });
});
