/**
 * The Meilisearch adapter's requests, against an injected HTTP layer (the client's `httpClient`):
 * no Meilisearch server can be installed on the build machines. The stand-in below answers like
 * Meilisearch's REST API (tasks, indexes, documents, search, swap) and records every request;
 * `MEILI_URL=… npm run test:meili` runs the conformance suite against a real server.
 */
import type { Actor } from '@zs/common';
import { ApiScope, Role } from '@zs/common';
import type { LeadFilter } from '@zs/leads';
import { LeadSearchSort, type SearchRequest } from './search-engine';
import { LEAD_INDEX_SETTINGS, filterExpression, meiliQuery, paging, quote } from './meili-query';
import { MeiliSearchEngine, MeiliTaskError } from './meili-search.engine';
import { type SearchDocument, type SearchDocumentRow, buildSearchDocument, cjkTerms } from './search-document';
import type { SearchDocumentRepository } from './search-document.repository';

interface Recorded {
  method: string;
  path: string;
  params: Record<string, string>;
  body: any;
}

/** Meilisearch's REST API as far as the adapter uses it. */
class MeiliStandIn {
  readonly requests: Recorded[] = [];
  readonly indexes = new Set<string>();
  /** Status every task ends in; `processing` never ends. */
  taskStatus: 'succeeded' | 'failed' | 'processing' = 'succeeded';
  searchResponse: any = { hits: [], totalHits: 0, page: 1, hitsPerPage: 20, totalPages: 0, processingTimeMs: 1, query: '' };
  stored: { id: string; rev: string }[] = [];
  private nextTask = 1;

  readonly httpClient = async (input: string | URL | Request, init?: RequestInit): Promise<unknown> => {
    // Like fetch: an aborted request (the client's request or task-wait timeout) rejects.
    if (init?.signal?.aborted) throw init.signal.reason;
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' && init.body !== '' ? JSON.parse(init.body) : undefined;
    const path = url.pathname.replace(/^\//, '');
    this.requests.push({ method, path, params: Object.fromEntries(url.searchParams), body });
    const enqueue = (type: string, indexUid: string | null) => ({
      taskUid: this.nextTask++,
      indexUid,
      status: 'enqueued',
      type,
      enqueuedAt: new Date().toISOString(),
    });
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^tasks\/(\d+)$/))) {
      const failed = this.taskStatus === 'failed';
      return { uid: Number(m[1]), status: this.taskStatus, error: failed ? { code: 'invalid_document_id', message: 'bad id', type: 'invalid_request', link: '' } : null };
    }
    if (path === 'health') return { status: 'available' };
    if (path === 'indexes' && method === 'POST') {
      this.indexes.add(body.uid);
      return enqueue('indexCreation', body.uid);
    }
    if (path === 'swap-indexes') return enqueue('indexSwap', null);
    if ((m = path.match(/^indexes\/([^/]+)$/))) {
      if (method === 'DELETE') {
        this.indexes.delete(m[1]);
        return enqueue('indexDeletion', m[1]);
      }
      if (!this.indexes.has(m[1])) throw Object.assign(new Error(`Index \`${m[1]}\` not found.`), { code: 'index_not_found' });
      return { uid: m[1], primaryKey: 'id', createdAt: '', updatedAt: '' };
    }
    if ((m = path.match(/^indexes\/([^/]+)\/settings$/))) return enqueue('settingsUpdate', m[1]);
    if ((m = path.match(/^indexes\/([^/]+)\/documents$/)) && method === 'POST') return enqueue('documentAdditionOrUpdate', m[1]);
    if ((m = path.match(/^indexes\/([^/]+)\/documents\/delete-batch$/))) return enqueue('documentDeletion', m[1]);
    if ((m = path.match(/^indexes\/([^/]+)\/documents$/)) && method === 'GET') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      return { results: this.stored.slice(offset, offset + limit), offset, limit, total: this.stored.length };
    }
    if (path.endsWith('/search')) return this.searchResponse;
    if (path.endsWith('/stats')) return { numberOfDocuments: 7 };
    throw new Error(`stand-in has no route for ${method} ${path}`);
  };

  of(method: string, pattern: RegExp): Recorded[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }
}

const CITY = '00000000-0000-4000-8000-000000000001';
const DISTRICT = '00000000-0000-4000-8000-000000000002';
const ZONE = '00000000-0000-4000-8000-000000000003';

const zoneOfficer: Actor = {
  kind: 'user',
  id: 'u1',
  username: 'z',
  role: Role.OFFICER,
  unitId: ZONE,
  unitPath: `/${CITY}/${DISTRICT}/${ZONE}/`,
  unitTier: 'ZONE',
} as Actor;
const partner = (scopes: ApiScope[]): Actor =>
  ({ kind: 'apiClient', id: 'a1', name: 'p', scopes, unitId: ZONE, unitPath: `/${CITY}/${DISTRICT}/${ZONE}/`, unitTier: 'ZONE', rateLimitPerMinute: 60 }) as Actor;

function row(id: string, over: Partial<SearchDocumentRow> = {}): SearchDocumentRow {
  return {
    id,
    code: 'XA-2026-000001',
    title: '待处理废旧电池回收项目',
    investorName: '秦创新能源有限公司',
    summary: 'Battery recycling 电池回收',
    description: null,
    industryCode: 'NEV',
    industryZh: '新能源汽车',
    industryEn: 'new-energy vehicles',
    capitalSourceCode: 'PRIVATE',
    attractionModeCodes: ['EVENT'],
    stage: 'LEAD',
    sharingScope: 'DISTRICT',
    ownerUnitId: ZONE,
    ownerPath: `/${CITY}/${DISTRICT}/${ZONE}/`,
    districtId: DISTRICT,
    assignedUnitIds: [],
    assignedPaths: [],
    pendingReferralPaths: [],
    investmentAmount: '1200.50',
    expectedLandingDate: '2027-06-30',
    createdAt: 1_780_000_000_123.456,
    updatedAt: 1_780_000_100_000,
    signedAt: null,
    landedAt: null,
    version: 1,
    ...over,
  };
}

async function* batches(...docs: SearchDocument[][]): AsyncGenerator<SearchDocument[]> {
  for (const b of docs) yield b;
}

describe('Meilisearch adapter', () => {
  let meili: MeiliStandIn;
  let engine: MeiliSearchEngine;
  // Only the label look-up reads the database, and only for facets; these cases ask for none.
  const docs = { labels: async () => new Map<string, string>() } as unknown as SearchDocumentRepository;
  const request = (over: Partial<SearchRequest> = {}): SearchRequest => ({
    tokens: [],
    filter: {},
    sort: LeadSearchSort.RELEVANCE,
    limit: 20,
    offset: 0,
    facets: [],
    ...over,
  });

  beforeEach(() => {
    meili = new MeiliStandIn();
    engine = new MeiliSearchEngine({ host: 'http://127.0.0.1:7700', index: 'leads', timeoutMs: 1000, taskTimeoutMs: 300, httpClient: meili.httpClient, batchSize: 1000 }, docs);
  });

  describe('documents', () => {
    it('carry the audience tokens, the owner chain and CJK bigram terms, never contacts or the USCC', () => {
      const d = buildSearchDocument(row('l1', { pendingReferralPaths: [`/${CITY}/other/`] }));
      expect(d.audience).toEqual([`chain:${CITY}`, `chain:${DISTRICT}`, `chain:${ZONE}`, 'chain:other', `district:${DISTRICT}`, `owner:${ZONE}`].sort());
      expect(d.ownerChain).toEqual([CITY, DISTRICT, ZONE]);
      expect(d.titleTerms).toBe('待处 处理 理废 废旧 旧电 电池 池回 回收 收项 项目 目');
      expect(d.summaryTerms).toBe('电池 池回 回收 收');
      expect(d.investmentAmount).toBe(1200.5);
      expect(d.expectedLanding).toBe(Date.parse('2027-06-30T00:00:00Z'));
      expect(JSON.stringify(d)).not.toMatch(/uscc|contact/i);
      // The digest changes with any fact, e.g. a new assignment.
      expect(buildSearchDocument(row('l1', { assignedPaths: [`/${CITY}/x/`] })).rev).not.toBe(buildSearchDocument(row('l1')).rev);
      expect(cjkTerms('芯')).toBe('芯');
      expect(cjkTerms('ＢＹＤ 电池包')).toBe('电池 池包 包');
    });
  });

  describe('queries and filters', () => {
    it('turns tokens into bigram words, phrases for longer runs, and puts single characters last', () => {
      expect(meiliQuery(['处理'])).toBe('处理');
      expect(meiliQuery(['精密铸造', 'semi'])).toBe('"精密 密铸 铸造" semi');
      expect(meiliQuery(['芯', 'byd'])).toBe('byd 芯');
      expect(meiliQuery([])).toBe('');
    });

    it('puts the caller’s visibility first, as audience tokens', () => {
      expect(filterExpression(zoneOfficer, {})).toEqual([`audience IN ["chain:${ZONE}", "city", "district:${DISTRICT}"]`]);
      expect(filterExpression(partner([ApiScope.LeadsRead]), {})).toEqual([`audience IN ["public"]`]);
      expect(filterExpression(partner([ApiScope.LeadsRead, ApiScope.LeadsWrite]), {})).toEqual([`audience IN ["public", "owner:${ZONE}"]`]);
      expect(filterExpression(partner([]), {})).toBeNull();
    });

    it('maps every LeadFilter field, escaping quotes and backslashes in values', () => {
      const filter: LeadFilter = {
        stages: ['SIGNED'] as LeadFilter['stages'],
        industryCodes: ['NEV', 'A"B\\C'],
        capitalSourceCodes: ['FOREIGN'],
        attractionModeCodes: ['EVENT', 'BUSINESS'],
        ownerUnitIds: [DISTRICT],
        includeDescendants: true,
        sharingScopes: ['CITY'] as LeadFilter['sharingScopes'],
        investmentMin: '1205',
        investmentMax: '600000.5',
        createdFrom: new Date('2026-01-01T00:00:00Z'),
        createdTo: new Date('2026-02-01T00:00:00Z'),
        signedFrom: new Date('2000-01-01T00:00:00Z'),
        landedTo: new Date('2030-01-01T00:00:00Z'),
      };
      expect(filterExpression(zoneOfficer, filter)!.slice(1)).toEqual([
        'stage IN ["SIGNED"]',
        'industryCode IN ["NEV", "A\\"B\\\\C"]',
        'capitalSourceCode IN ["FOREIGN"]',
        'attractionModeCodes IN ["EVENT", "BUSINESS"]',
        `ownerChain IN ["${DISTRICT}"]`,
        'sharingScope IN ["CITY"]',
        'investmentAmount >= 1205',
        'investmentAmount <= 600000.5',
        `createdAt >= ${Date.parse('2026-01-01T00:00:00Z')}`,
        `createdAt < ${Date.parse('2026-02-01T00:00:00Z')}`,
        `signedAt >= ${Date.parse('2000-01-01T00:00:00Z')}`,
        `landedAt < ${Date.parse('2030-01-01T00:00:00Z')}`,
      ]);
      expect(filterExpression(zoneOfficer, { ownerUnitIds: [ZONE] })![1]).toBe(`ownerUnitId IN ["${ZONE}"]`);
      expect(quote('a"b\\')).toBe('"a\\"b\\\\"');
    });

    it('leaves hasConflict and investorUscc to PostgreSQL', () => {
      expect(engine.supports(request({ filter: { hasConflict: true } }))).toBe(false);
      expect(engine.supports(request({ filter: { investorUscc: '91610000MA6TG1234X' } }))).toBe(false);
      expect(engine.supports(request({ filter: { hasConflict: null, stages: [] } }))).toBe(true);
    });

    it('pages with page/hitsPerPage for exact totals, and covers unaligned offsets', () => {
      expect(paging(0, 20)).toEqual({ page: 1, hitsPerPage: 20, skip: 0 });
      expect(paging(40, 20)).toEqual({ page: 3, hitsPerPage: 20, skip: 0 });
      expect(paging(7, 5)).toEqual({ page: 1, hitsPerPage: 12, skip: 7 });
    });
  });

  describe('search', () => {
    it('sends query, filter, sort and paging, and maps hits and scores', async () => {
      meili.searchResponse = { hits: [{ id: 'a', _rankingScore: 0.9 }, { id: 'b', _rankingScore: 0.4 }, { id: 'c', _rankingScore: 0.2 }], totalHits: 42, page: 1, hitsPerPage: 3, totalPages: 14 };
      const r = await engine.search(zoneOfficer, request({ tokens: ['精密铸造', 'byd'], sort: LeadSearchSort.INVESTMENT_DESC, filter: { stages: ['LEAD'] as LeadFilter['stages'] }, offset: 1, limit: 2 }));
      const [sent] = meili.of('POST', /^indexes\/leads\/search$/);
      expect(sent.body).toEqual({
        q: '"精密 密铸 铸造" byd',
        filter: [`audience IN ["chain:${ZONE}", "city", "district:${DISTRICT}"]`, 'stage IN ["LEAD"]'],
        page: 1,
        hitsPerPage: 3,
        sort: ['investmentAmount:desc', 'id:desc'],
        attributesToRetrieve: ['id'],
        showRankingScore: true,
        matchingStrategy: 'all',
        locales: ['cmn', 'eng'],
      });
      expect(r).toEqual({ totalHits: 42, hits: [{ id: 'b', score: 0.4 }, { id: 'c', score: 0.2 }], facets: [] });
    });

    it('maps every sort; relevance sends none (ranking rules, then updatedAt)', async () => {
      const sorts: Record<LeadSearchSort, string[] | undefined> = {
        [LeadSearchSort.RELEVANCE]: undefined,
        [LeadSearchSort.CREATED_DESC]: ['createdAt:desc', 'id:desc'],
        [LeadSearchSort.UPDATED_DESC]: ['updatedAt:desc', 'id:desc'],
        [LeadSearchSort.INVESTMENT_DESC]: ['investmentAmount:desc', 'id:desc'],
        [LeadSearchSort.EXPECTED_LANDING_ASC]: ['expectedLanding:asc', 'id:desc'],
      };
      for (const [sort, expected] of Object.entries(sorts)) {
        await engine.search(zoneOfficer, request({ sort: sort as LeadSearchSort }));
        expect(meili.requests.at(-1)!.body.sort).toEqual(expected);
      }
      expect(LEAD_INDEX_SETTINGS.rankingRules).toEqual(['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness', 'updatedAt:desc']);
    });

    it('asks nothing for a caller without audience tokens', async () => {
      const r = await engine.search(partner([]), request());
      expect(r.totalHits).toBe(0);
      expect(meili.requests).toEqual([]);
    });

    it('surfaces a failing server as an error (the service then falls back)', async () => {
      const broken = new MeiliSearchEngine(
        {
          host: 'http://127.0.0.1:7700',
          index: 'leads',
          timeoutMs: 1000,
          taskTimeoutMs: 300,
          httpClient: async () => {
            throw new Error('500 Internal Server Error');
          },
        },
        docs,
      );
      const err = (await broken.search(zoneOfficer, request()).catch((e: unknown) => e)) as Error & { cause?: Error };
      expect(err.message).toContain('indexes/leads/search');
      expect(err.cause?.message).toMatch(/500/);
    });
  });

  describe('settings and tasks', () => {
    it('creates a missing index with primary key id, then applies the settings and waits for both tasks', async () => {
      await engine.applySettings();
      expect(meili.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET indexes/leads',
        'POST indexes',
        'GET tasks/1',
        'PATCH indexes/leads/settings',
        'GET tasks/2',
      ]);
      expect(meili.requests[1].body).toEqual({ uid: 'leads', primaryKey: 'id' });
      const settings = meili.requests[3].body;
      expect(settings.searchableAttributes).toEqual([
        'code',
        'title',
        'titleTerms',
        'investorName',
        'investorTerms',
        'summary',
        'summaryTerms',
        'industryNames',
        'industryTerms',
        'description',
        'descriptionTerms',
      ]);
      expect(settings.filterableAttributes).toEqual(expect.arrayContaining(['audience', 'stage', 'industryCode', 'ownerChain', 'createdAt']));
      expect(settings.sortableAttributes).toEqual(expect.arrayContaining(['createdAt', 'updatedAt', 'investmentAmount', 'expectedLanding', 'id']));
      expect(settings.localizedAttributes).toEqual([{ attributePatterns: expect.arrayContaining(['title', 'titleTerms', 'description']), locales: ['cmn', 'eng'] }]);
      expect(settings.typoTolerance).toMatchObject({ enabled: true, disableOnNumbers: true, disableOnAttributes: expect.arrayContaining(['code', 'titleTerms']) });
      expect(settings.faceting).toEqual({ maxValuesPerFacet: 1000, sortFacetValuesBy: { '*': 'count' } });
      expect(settings.displayedAttributes).not.toContain('audience');

      meili.requests.length = 0;
      await engine.applySettings();
      expect(meili.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET indexes/leads', 'PATCH indexes/leads/settings', 'GET tasks/3']);
    });

    it('a failed task is an error naming its code', async () => {
      meili.taskStatus = 'failed';
      const err = await engine.upsert([buildSearchDocument(row('l1'))]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MeiliTaskError);
      expect((err as Error).message).toMatch(/task 1 failed: invalid_document_id bad id/);
    });

    it('a task that does not finish within the timeout is an error', async () => {
      meili.taskStatus = 'processing';
      const started = Date.now();
      const err = await engine.remove(['l1']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MeiliTaskError);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('upserts in batches and deletes by id', async () => {
      const many = Array.from({ length: 2500 }, (_, i) => buildSearchDocument(row(`l${i}`)));
      await engine.upsert(many);
      const adds = meili.of('POST', /^indexes\/leads\/documents$/);
      expect(adds.map((r) => r.body.length)).toEqual([1000, 1000, 500]);
      expect(adds[0].params.primaryKey).toBe('id');
      await engine.remove(['x', 'y']);
      expect(meili.of('POST', /delete-batch$/)[0].body).toEqual(['x', 'y']);
    });
  });

  describe('reindex and reconcile', () => {
    it('fills a fresh index, swaps it in atomically, deletes the old one, then catches up', async () => {
      meili.indexes.add('leads');
      const a = buildSearchDocument(row('a'));
      const b = buildSearchDocument(row('b'));
      const caughtUp: Date[] = [];
      const r = await engine.reindex(
        () => batches([a], [b]),
        async (since) => {
          caughtUp.push(since);
          return [];
        },
      );
      expect(r.documents).toBe(2);
      const next = meili.requests.find((x) => x.method === 'POST' && x.path === 'indexes')!.body.uid as string;
      expect(next).toMatch(/^leads_reindex_\d+$/);
      const steps = meili.requests.filter((x) => !x.path.startsWith('tasks/')).map((x) => `${x.method} ${x.path.replace(next, 'NEXT')}`);
      expect(steps).toEqual([
        'GET indexes/NEXT',
        'POST indexes',
        'PATCH indexes/NEXT/settings',
        'POST indexes/NEXT/documents',
        'POST indexes/NEXT/documents',
        'GET indexes/leads',
        'POST swap-indexes',
        'DELETE indexes/NEXT',
      ]);
      expect(meili.of('POST', /^swap-indexes$/)[0].body).toEqual([{ indexes: ['leads', next], rename: false }]);
      expect(meili.indexes.has(next)).toBe(false);
      expect(caughtUp).toHaveLength(1);
    });

    it('deletes the half-filled index and keeps the live one when filling fails', async () => {
      meili.indexes.add('leads');
      const failing = async function* (): AsyncGenerator<SearchDocument[]> {
        yield [buildSearchDocument(row('a'))];
        throw new Error('database went away');
      };
      await expect(engine.reindex(failing, async () => [])).rejects.toThrow('database went away');
      expect(meili.of('POST', /^swap-indexes$/)).toEqual([]);
      expect([...meili.indexes]).toEqual(['leads']);
    });

    it('rewrites missing and stale documents and removes those of deleted leads', async () => {
      const fresh = buildSearchDocument(row('a'));
      const changed = buildSearchDocument(row('b', { sharingScope: 'CITY' }));
      const missing = buildSearchDocument(row('c'));
      meili.stored = [
        { id: 'a', rev: fresh.rev },
        { id: 'b', rev: buildSearchDocument(row('b')).rev },
        { id: 'gone', rev: 'x' },
      ];
      const r = await engine.reconcile(() => batches([fresh, changed], [missing]));
      expect(r).toEqual({ checked: 3, upserted: 2, deleted: 1 });
      expect(meili.of('GET', /^indexes\/leads\/documents$/)[0].params).toMatchObject({ fields: 'id,rev', limit: '1000', offset: '0' });
      expect(meili.of('POST', /^indexes\/leads\/documents$/).flatMap((x) => x.body.map((d: SearchDocument) => d.id))).toEqual(['b', 'c']);
      expect(meili.of('POST', /delete-batch$/)[0].body).toEqual(['gone']);
    });
  });
});
