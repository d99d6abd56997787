/**
 * Keeping the Meilisearch index true, against a stand-in of Meilisearch's index API over real HTTP
 * (test/support/meili-stand-in.ts): `search:reindex` (fresh index + swapIndexes), `search:reconcile`
 * (ids + document digests), the `search-index` outbox consumer in the real worker application
 * (commit → indexed, visibility changes), and a failing Meilisearch delaying only that consumer.
 */
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cli, seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { createWorkerApp } from '../apps/worker/src/bootstrap';
import { ok } from './support/gql';
import { startMeiliStandIn, type MeiliStandIn } from './support/meili-stand-in';

jest.setTimeout(120_000);

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('search index upkeep (Meilisearch index API stand-in)', () => {
  let meili: MeiliStandIn;
  let t: TestApp;
  let token: string;
  let worker: INestApplication | undefined;

  const createLead = async (title: string, scope = 'CITY') =>
    ok(
      await t.gql(
        `mutation($i: CreateLeadInput!) { createLead(input: $i) { id version } }`,
        { i: { title, industryCode: 'NEV', investor: { name: `${title}投资有限公司`, uscc: null }, sharingScope: scope } },
        { token },
      ),
    ).createLead as { id: string; version: number };
  const leadIds = async (): Promise<string[]> =>
    ((await t.app.get(DataSource).query(`SELECT id FROM lead ORDER BY id`)) as { id: string }[]).map((r) => r.id);

  beforeAll(async () => {
    meili = await startMeiliStandIn();
    t = await startTestApp({ MEILI_URL: meili.url });
    await seedXian(t.app);
    token = await userToken(t, 'index-officer', '610115-Z1', 'OFFICER');
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await meili?.close();
  });

  it('search:reindex fills a fresh index and swaps it in; search:reconcile repairs drift', async () => {
    for (const title of ['待处理废旧电池回收项目', '航空发动机叶片项目', '光子芯片研发中心']) await createLead(title);
    // Whatever the live index held before is replaced as a whole.
    meili.indexes.set('leads', new Map([['bogus', { id: 'bogus', rev: 'x' }]]));

    const r = await cli(t.config, 'search:reindex');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Reindexed 3 lead\(s\) into a fresh index and swapped it in as leads/);
    const ids = await leadIds();
    const live = meili.indexes.get('leads')!;
    expect([...live.keys()].sort()).toEqual(ids);
    expect([...meili.indexes.keys()]).toEqual(['leads']);
    expect(meili.requests.filter((x) => x.path === 'swap-indexes')).toHaveLength(1);
    for (const d of live.values()) {
      expect(d.audience).toContain('city');
      expect(d.titleTerms.length).toBeGreaterThan(0);
      expect(Object.keys(d).join(',')).not.toMatch(/uscc|contact/i);
    }

    live.delete(ids[0]);
    live.get(ids[1])!.rev = 'stale';
    live.set('ghost', { id: 'ghost', rev: 'g' });
    const repaired = await cli(t.config, 'search:reconcile');
    expect(repaired).toEqual({ code: 0, out: 'Repaired search index drift: 2 document(s) rewritten, 1 removed (3 lead(s) checked)', err: '' });
    expect([...live.keys()].sort()).toEqual(ids);
    expect(await cli(t.config, 'search:reconcile')).toEqual({ code: 0, out: 'Search index matches the database (3 lead(s) checked)', err: '' });
  });

  it('without MEILI_URL the index commands say there is no index to keep', async () => {
    const r = await cli({ ...t.config, meiliUrl: undefined }, 'search:reindex');
    expect(r.code).toBe(1);
    expect(r.err).toContain('MEILI_URL is not set');
  });

  it('the search-index consumer indexes each commit within a second, visibility changes included', async () => {
    worker = await createWorkerApp(t.config);
    await worker.listen(0, '127.0.0.1');
    const live = () => meili.indexes.get('leads')!;
    // The worker's first delivery also applies the index settings once; time a steady-state commit.
    const warm = await createLead('暖机项目');
    await until('the first lead in the index', () => live().get(warm.id));
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const l = await createLead(`氢能重卡示范运营${i}`, 'PRIVATE');
      await until('the new lead in the index', () => live().get(l.id));
      samples.push(Date.now() - started);
    }
    // Commit (the mutation's answer) → document in the index; 4 of 5 within the 1 s target on a shared machine.
    expect([...samples].sort((a, b) => a - b)[3]).toBeLessThan(1000);
    const lead = await createLead('氢能重卡示范运营', 'PRIVATE');
    const doc = await until('the new lead in the index', () => live().get(lead.id));
    expect(doc.audience).not.toContain('city');

    ok(
      await t.gql(`mutation($id: ID!, $v: Int!, $s: SharingScope!) { shareLead(id: $id, version: $v, scope: $s) { id } }`, { id: lead.id, v: lead.version, s: 'CITY' }, { token }),
    );
    await until('the share in the document', () => (live().get(lead.id)!.audience as string[]).includes('city'));
  });

  it('Meilisearch failing delays only the search-index consumer, never the others', async () => {
    meili.failDocuments = true;
    const lead = await createLead('生物医药中试平台');
    const db = t.app.get(DataSource);
    const rows = (consumer: string) =>
      db.query(`SELECT attempts, done_at IS NOT NULL AS done, last_error AS "lastError" FROM outbox_delivery WHERE consumer = $1 AND lead_id = $2`, [
        consumer,
        lead.id,
      ]) as Promise<{ attempts: number; done: boolean; lastError: string | null }[]>;
    await until('the log consumer to be done', async () => (await rows('log')).length > 0 && (await rows('log')).every((r) => r.done));
    const failed = await until('a failed search-index attempt', async () => (await rows('search-index')).find((r) => r.attempts >= 1));
    expect(failed.done).toBe(false);
    expect(failed.lastError).toMatch(/disk full|500|failed/);
    expect(meili.indexes.get('leads')!.has(lead.id)).toBe(false);
    meili.failDocuments = false;
  });
});
