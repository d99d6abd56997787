/**
 * Search conformance (issue 8): queries, filters, facets, sorts, paging, highlights, bad input and
 * the visibility matrix, all through GraphQL and compared with a test-side model of the corpus and
 * the visibility oracle. Engine-agnostic: `MEILI_URL=… npm run test:meili` runs the same cases
 * with Meilisearch configured; without it the PostgreSQL engine answers.
 */
import type { Actor as DomainActor } from '@zs/common';
import { SqlParams, audienceIntersects, callerAudienceTokens, leadAccess, leadAudienceTokens } from '@zs/leads';
import { SearchIndexService } from '@zs/search';
import { seedXian, startTestApp, type TestApp } from './support/harness';
import { withPg } from './support/pg';
import { createActors, type Actor } from './support/actors';
import { errorsOf, ok, outcomeOf } from './support/gql';
import { LeadWorld } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { SCOPES, type LeadState, type Scope } from './support/visibility-oracle';

const C = '610100';
const D = '610115';
const Z1 = '610115-Z1';
const OD = '610117';
const OZ = '610117-Z1';
const OZ2 = '610117-Z2';
const GX = '610100-GX';

const EXPECTED_ENGINE = process.env.MEILI_URL ? 'MEILISEARCH' : 'POSTGRESQL';
// Against a real Meilisearch (npm run test:meili): an index of this run's own, filled by search:reindex's code path.
const MEILI_ENV: Record<string, string> = process.env.MEILI_URL
  ? {
      MEILI_URL: process.env.MEILI_URL,
      MEILI_INDEX: `zs_conformance_${Date.now().toString(36)}_${process.pid}`,
      ...(process.env.MEILI_MASTER_KEY ? { MEILI_MASTER_KEY: process.env.MEILI_MASTER_KEY } : {}),
    }
  : {};

// Names of the industries the corpus uses (libs/codes default codes), for the "industry name matches" rule.
const INDUSTRY_NAMES: Record<string, string> = {
  AVIATION: '航空 aviation',
  AEROSPACE: '航天 aerospace',
  NEV: '新能源汽车 new-energy vehicles',
  IC: '集成电路 integrated circuits',
  PV_ENERGY: '光伏与新能源 photovoltaics and new energy',
  PHOTONICS: '光子 photonics',
  BIOMEDICINE: '生物医药 biomedicine',
  NEW_MATERIALS: '新材料 new materials',
  FOOD: '食品加工 food processing',
  SOFTWARE: '软件和信息服务 software and it services',
};

interface Doc {
  title: string;
  summary: string;
  description: string | null;
  investor: string;
  industry: string;
  capital: string;
  modes: string[];
  amount: number;
  landing: string;
  createdAt: string;
}

jest.setTimeout(180_000);

describe('search conformance', () => {
  let t: TestApp;
  let world: LeadWorld;
  let a: Map<string, Actor>;
  let viewers: Actor[];
  const docs = new Map<string, Doc>();
  const A = (name: string) => a.get(name)!;
  const corpus: Record<string, LeadState> = {};

  /** The model: every token in code/title/investor/summary/description, or every token in the industry name. */
  const matches = (l: LeadState, tokens: string[]) => {
    const d = docs.get(l.id)!;
    const text = [l.code, d.title, d.investor, d.summary, d.description ?? ''].join(' ').toLowerCase();
    return tokens.every((t) => text.includes(t)) || tokens.every((t) => INDUSTRY_NAMES[d.industry].includes(t));
  };
  const visibleMatching = (v: Actor, tokens: string[], extra: (l: LeadState, d: Doc) => boolean = () => true) =>
    [...world.leads.values()].filter((l) => world.oracle.canSee(v, l) && matches(l, tokens) && extra(l, docs.get(l.id)!));

  // The request cost limit multiplies nested lists by `first`: large pages ask for few fields.
  const query = (fields: string) => `query($q: String!, $f: LeadFilter, $s: LeadSearchSort, $first: Int, $offset: Int, $facets: [LeadFacet!]) {
    searchLeads(query: $q, filter: $f, sort: $s, first: $first, offset: $offset, facets: $facets) { totalHits engine ${fields} } }`;
  const SEARCH = query(`hits { score lead { id code createdAt updatedAt investmentAmount expectedLandingDate } }`);
  const DETAILED = query(`hits { score lead { id title } highlights { field snippet } } facets { facet values { value label count } }`);
  const search = async (v: Actor, q: string, vars: Record<string, unknown> = {}) => {
    const detailed = vars.facets !== undefined || vars.highlights !== undefined;
    const res = await t.gql(detailed ? DETAILED : SEARCH, { q, first: detailed ? 20 : 100, ...vars }, v.auth);
    return ok(res, `search ${q} as ${v.name}`).searchLeads;
  };
  const idsOf = (r: any) => (r.hits as any[]).map((h) => h.lead.id as string);
  const sorted = (xs: string[]) => [...xs].sort();

  async function add(key: string, by: string, n: number, scope: Scope, d: Partial<Doc> & { title: string; investor: string; industry: string }) {
    const full: Doc = {
      summary: d.summary ?? `公开摘要 ${n}`,
      description: d.description ?? null,
      capital: d.capital ?? 'PRIVATE',
      modes: d.modes ?? ['INDUSTRY_CHAIN'],
      amount: d.amount ?? 1000 + n + 0.5,
      landing: d.landing ?? '2027-06-30',
      createdAt: '',
      ...d,
    };
    const l = await world.create(A(by), n, scope, key, {
      title: full.title,
      summary: full.summary,
      description: full.description,
      industryCode: full.industry,
      capitalSourceCode: full.capital,
      attractionModeCodes: full.modes,
      investor: { name: full.investor, uscc: null, countryOrRegion: '中国' },
      investmentAmount: full.amount.toFixed(2),
      expectedLandingDate: full.landing,
    });
    full.createdAt = l.createdAt.toISOString();
    docs.set(l.id, full);
    corpus[key] = l;
    return l;
  }

  beforeAll(async () => {
    t = await startTestApp(MEILI_ENV);
    await seedXian(t.app);
    world = new LeadWorld(t, await OrgTree.load(t));
    a = await createActors(
      t,
      [
        { name: 'city-o', unit: C, role: 'OFFICER' },
        { name: 'city-m', unit: C, role: 'MANAGER' },
        { name: 'dist-o', unit: D, role: 'OFFICER' },
        { name: 'z1-o', unit: Z1, role: 'OFFICER' },
        { name: 'od-o', unit: OD, role: 'OFFICER' },
        { name: 'oz-o', unit: OZ, role: 'OFFICER' },
        { name: 'oz2-o', unit: OZ2, role: 'OFFICER' },
        { name: 'gx-o', unit: GX, role: 'OFFICER' },
      ],
      [
        { name: 'api-read-z1', unit: Z1, scopes: ['leads:read'] },
        { name: 'api-rw-z1', unit: Z1, scopes: ['leads:read', 'leads:write'] },
        { name: 'api-none-z1', unit: Z1, scopes: [] },
      ],
    );
    viewers = [...a.values()].filter((v) => v.name !== 'city-m');

    await add('aero', 'z1-o', 201, 'CITY', {
      title: '航空发动机叶片精密铸造项目',
      investor: '西安航发动力股份有限公司',
      industry: 'AVIATION',
      summary: '航空零部件配套',
      modes: ['EVENT'],
    });
    await add('pending', 'z1-o', 202, 'CITY', {
      title: '待处理废旧电池回收项目',
      investor: '秦创新能源有限公司',
      industry: 'NEV',
      summary: 'Battery recycling 电池回收',
    });
    await add('byd', 'z1-o', 203, 'DISTRICT', {
      title: '比亚迪新能源汽车零部件产业园',
      investor: '比亚迪股份有限公司',
      industry: 'NEV',
      summary: 'BYD battery pack 电池包',
      amount: 500000,
    });
    await add('chip', 'z1-o', 204, 'CITY', {
      title: '12英寸芯片封装测试基地',
      investor: 'Micron Semiconductor Co., Ltd.',
      industry: 'IC',
      capital: 'FOREIGN',
      summary: 'semiconductor packaging 芯片封测',
      description: '<script>alert(1)</script> 先进芯片封装产线',
      landing: '2026-12-31',
    });
    await add('h2', 'z1-o', 205, 'PRIVATE', { title: '氢能重卡示范运营', investor: '隆基氢能科技有限公司', industry: 'PV_ENERGY', summary: '氢燃料电池' });
    await add('photon', 'oz-o', 206, 'PUBLIC', { title: '光子芯片研发中心', investor: '中科光子集团', industry: 'PHOTONICS', capital: 'CENTRAL_SOE' });
    await add('bio', 'dist-o', 207, 'CITY', {
      title: '生物医药中试平台',
      investor: 'Pfizer Inc.',
      industry: 'BIOMEDICINE',
      summary: 'biomedicine pilot plant',
      description: '配套航空医疗救援',
    });
    await add('composite', 'gx-o', 208, 'CITY', { title: 'Aerospace composites plant', investor: 'Hexcel Corporation', industry: 'AEROSPACE', summary: '航天复合材料' });
    await world.stage(A('z1-o'), corpus.chip, 'NEGOTIATING');
    await world.stage(A('z1-o'), corpus.chip, 'SIGNED');

    // The visibility matrix: tier × scope × relation (owner chain, assigned, pending, accepted, declined).
    let n = 1;
    const setups: ((s: Scope) => Promise<LeadState>)[] = [
      (s) => world.create(A('z1-o'), n++, s, `Z1/${s}`),
      (s) => world.create(A('dist-o'), n++, s, `D/${s}`),
      (s) => world.create(A('city-o'), n++, s, `C/${s}`),
      (s) => world.create(A('gx-o'), n++, s, `GX/${s}`),
      (s) => world.create(A('oz-o'), n++, s, `OZ/${s}`),
      async (s) => {
        const l = await world.create(A('z1-o'), n++, s, `Z1+assigned(OZ)/${s}`);
        await world.assign(A('city-m'), l, OZ);
        return l;
      },
      async (s) => {
        const l = await world.create(A('z1-o'), n++, s, `Z1+pending(OZ)/${s}`);
        await world.refer(A('z1-o'), l, OZ);
        return l;
      },
      async (s) => {
        const l = await world.create(A('z1-o'), n++, s, `Z1+accepted(OZ2)/${s}`);
        await world.respond(A('oz2-o'), await world.refer(A('z1-o'), l, OZ2), true);
        return l;
      },
      async (s) => {
        const l = await world.create(A('z1-o'), n++, s, `Z1+declined(GX)/${s}`);
        await world.respond(A('gx-o'), await world.refer(A('z1-o'), l, GX), false, '不符合产业定位');
        return l;
      },
    ];
    for (const make of setups) {
      for (const s of SCOPES) {
        // The lead's number as leadInput used it (codes are random: they no longer follow creation order).
        const num = n;
        const l = await make(s);
        docs.set(l.id, {
          title: `矩阵项目 ${num}`,
          summary: `公开摘要 ${num}`,
          description: null,
          investor: `矩阵投资${num}号`,
          industry: ['NEV', 'IC', 'BIOMEDICINE', 'NEW_MATERIALS', 'FOOD', 'SOFTWARE', 'AEROSPACE', 'PHOTONICS'][num % 8],
          capital: 'PRIVATE',
          modes: ['INDUSTRY_CHAIN'],
          amount: 1000 + num + 0.5,
          landing: '2027-06-30',
          createdAt: l.createdAt.toISOString(),
        });
      }
    }
    // The test app runs no outbox worker: fill the index from the database (reindex with its swap).
    if (process.env.MEILI_URL) await t.app.get(SearchIndexService).reindex();
  });
  afterAll(async () => {
    const meili = process.env.MEILI_URL ? t?.app.get(SearchIndexService).engine : null;
    if (meili) await meili.wait('drop test index', meili.client.deleteIndex(meili.indexUid)).catch(() => undefined);
    await t?.close();
  });

  it('names the engine that answered', async () => {
    expect((await search(A('city-o'), '航空')).engine).toBe(EXPECTED_ENGINE);
  });

  const queries: [string, string, string[]][] = [
    ['two-character Chinese', '航空', ['航空']],
    ['substring inside a longer word (待处理 / 处理)', '处理', ['处理']],
    ['longer Chinese', '精密铸造', ['精密铸造']],
    ['single Chinese character', '芯', ['芯']],
    ['mixed Chinese and English', 'BYD 电池', ['byd', '电池']],
    ['English word', 'battery', ['battery']],
    ['English prefix', 'semicond', ['semicond']],
    ['English upper case, full width', 'ＰＦＩＺＥＲ', ['pfizer']],
    ['investor name with legal-form suffix', '比亚迪股份有限公司', ['比亚迪']],
    ['investor name without suffix', '比亚迪', ['比亚迪']],
    ['investor with a Latin legal form', 'Micron Semiconductor Co., Ltd.', ['micron', 'semiconductor']],
    ['industry name', '航天', ['航天']],
    ['a typo in an English word', 'batery', ['battery']],
    ['a typo in a Latin investor name', 'Micorn', ['micron']],
    ['no match', '量子纠缠', ['量子纠缠']],
  ];
  it.each(queries)('%s: %s finds exactly the visible matching leads', async (_what, q, tokens) => {
    for (const v of [A('city-o'), A('z1-o'), A('oz2-o'), A('api-read-z1')]) {
      const r = await search(v, q);
      const expected = visibleMatching(v, tokens).map((l) => l.id);
      expect({ v: v.name, ids: sorted(idsOf(r)) }).toEqual({ v: v.name, ids: sorted(expected) });
      expect(r.totalHits).toBe(expected.length);
    }
  });

  it('a lead code finds that lead first', async () => {
    const r = await search(A('city-o'), corpus.chip.code);
    expect(idsOf(r)[0]).toBe(corpus.chip.id);
    const lower = await search(A('city-o'), corpus.chip.code.toLowerCase());
    expect(idsOf(lower)[0]).toBe(corpus.chip.id);
  });

  it('never finds contacts or USCCs', async () => {
    expect((await search(A('z1-o'), '秘密联系人')).totalHits).toBe(0);
    expect((await search(A('z1-o'), 'secret201')).totalHits).toBe(0);
  });

  it('RELEVANCE ranks title over investor over summary over description', async () => {
    const r = await search(A('city-o'), '航空');
    const ids = idsOf(r);
    expect(ids[0]).toBe(corpus.aero.id);
    // bio mentions 航空 only in its description
    expect(ids.indexOf(corpus.bio.id)).toBe(ids.length - 1);
    const scores = (r.hits as any[]).map((h) => h.score as number);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    const byd = await search(A('z1-o'), '比亚迪');
    expect(byd.hits[0].score).toBeGreaterThan(0);
  });

  it('highlights mark the match in escaped snippets', async () => {
    const r = await search(A('city-o'), '芯片', { highlights: true });
    const hit = (r.hits as any[]).find((h) => h.lead.id === corpus.chip.id);
    const by = Object.fromEntries((hit.highlights as any[]).map((h) => [h.field, h.snippet]));
    expect(by.TITLE).toBe('12英寸<mark>芯片</mark>封装测试基地');
    expect(by.SUMMARY).toBe('semiconductor packaging <mark>芯片</mark>封测');
    expect(by.DESCRIPTION).toBe('&lt;script&gt;alert(1)&lt;/script&gt; 先进<mark>芯片</mark>封装产线');
    expect(by.INVESTOR_NAME).toBeUndefined();
    const inv = await search(A('city-o'), 'micron', { highlights: true });
    const h2 = (inv.hits as any[]).find((h) => h.lead.id === corpus.chip.id);
    expect(h2.highlights).toContainEqual({ field: 'INVESTOR_NAME', snippet: '<mark>Micron</mark> Semiconductor Co., Ltd.' });
  });

  const filters: [string, Record<string, unknown>, (l: LeadState, d: Doc) => boolean][] = [
    ['stages', { stages: ['SIGNED'] }, (l) => l.stage === 'SIGNED'],
    ['industryCodes', { industryCodes: ['NEV', 'IC'] }, (_l, d) => ['NEV', 'IC'].includes(d.industry)],
    ['capitalSourceCodes', { capitalSourceCodes: ['FOREIGN', 'CENTRAL_SOE'] }, (_l, d) => ['FOREIGN', 'CENTRAL_SOE'].includes(d.capital)],
    ['attractionModeCodes', { attractionModeCodes: ['EVENT'] }, (_l, d) => d.modes.includes('EVENT')],
    ['sharingScopes', { sharingScopes: ['DISTRICT', 'PUBLIC'] }, (l) => ['DISTRICT', 'PUBLIC'].includes(l.scope)],
    ['investment range', { investmentMin: '1205', investmentMax: '600000' }, (_l, d) => d.amount >= 1205 && d.amount <= 600000],
    ['signedFrom', { signedFrom: '2000-01-01T00:00:00Z' }, (l) => l.signedAt !== null],
  ];
  it.each(filters)('filter %s narrows exactly like leads', async (_what, filter, pred) => {
    for (const v of [A('city-o'), A('z1-o'), A('oz-o')]) {
      for (const [q, tokens] of [['', []], ['电池', ['电池']], ['项目', ['项目']]] as [string, string[]][]) {
        const r = await search(v, q, { f: filter });
        const expected = visibleMatching(v, tokens, pred).map((l) => l.id);
        expect({ v: v.name, q, ids: sorted(idsOf(r)) }).toEqual({ v: v.name, q, ids: sorted(expected) });
        expect(r.totalHits).toBe(expected.length);
      }
    }
  });

  it('filter ownerUnitIds with and without descendants; createdFrom', async () => {
    const v = A('city-o');
    const own = await search(v, '', { f: { ownerUnitIds: [world.tree.id(D)] } });
    expect(sorted(idsOf(own))).toEqual(sorted(visibleMatching(v, [], (l) => l.owner === D).map((l) => l.id)));
    const desc = await search(v, '', { f: { ownerUnitIds: [world.tree.id(D)], includeDescendants: true } });
    expect(sorted(idsOf(desc))).toEqual(sorted(visibleMatching(v, [], (l) => world.tree.isSelfOrAncestor(D, l.owner)).map((l) => l.id)));
    const from = corpus.photon.createdAt;
    const later = await search(v, '', { f: { createdFrom: from.toISOString() } });
    expect(sorted(idsOf(later))).toEqual(sorted(visibleMatching(v, [], (l) => l.createdAt >= from).map((l) => l.id)));
    const bad = await t.gql(SEARCH, { q: '', f: { ownerUnitIds: ['nope'] } }, v.auth);
    expect(outcomeOf(bad)).toBe('BAD_USER_INPUT');
  });

  it('every facet counts exactly the visible matching leads', async () => {
    for (const v of [A('city-o'), A('z1-o'), A('api-read-z1')]) {
      for (const [q, tokens] of [['', []], ['芯片', ['芯片']], ['矩阵', ['矩阵']]] as [string, string[]][]) {
        const r = await search(v, q, { first: 1, facets: ['STAGE', 'INDUSTRY', 'CAPITAL_SOURCE', 'ATTRACTION_MODE', 'DISTRICT', 'OWNER_UNIT', 'SHARING_SCOPE'] });
        const leads = visibleMatching(v, tokens);
        const count = (key: (l: LeadState) => string[]) => {
          const m: Record<string, number> = {};
          for (const l of leads) for (const k of key(l)) m[k] = (m[k] ?? 0) + 1;
          return m;
        };
        const expected: Record<string, Record<string, number>> = {
          STAGE: count((l) => [l.stage]),
          INDUSTRY: count((l) => [docs.get(l.id)!.industry]),
          CAPITAL_SOURCE: count((l) => [docs.get(l.id)!.capital]),
          ATTRACTION_MODE: count((l) => docs.get(l.id)!.modes),
          DISTRICT: count((l) => {
            const d = world.tree.districtOf(l.owner);
            return d ? [world.tree.id(d)] : [];
          }),
          OWNER_UNIT: count((l) => [world.tree.id(l.owner)]),
          SHARING_SCOPE: count((l) => [l.scope]),
        };
        const got = Object.fromEntries(
          (r.facets as any[]).map((f) => [f.facet, Object.fromEntries((f.values as any[]).map((x) => [x.value, x.count]))]),
        );
        expect({ v: v.name, q, facets: got }).toEqual({ v: v.name, q, facets: expected });
        for (const f of r.facets as any[]) for (const x of f.values) expect(x.label).toBeTruthy();
      }
    }
    const r = await search(A('city-o'), '芯片', { facets: ['INDUSTRY', 'STAGE'] });
    const industry = r.facets.find((f: any) => f.facet === 'INDUSTRY').values.find((x: any) => x.value === 'IC');
    expect(industry.label).toBe('集成电路');
  });

  it('sorts', async () => {
    const v = A('city-o');
    const series = async (s: string, key: (lead: any) => number) => {
      const r = await search(v, '', { s });
      expect(r.hits.length).toBe(visibleMatching(v, []).length);
      return (r.hits as any[]).map((h) => key(h.lead));
    };
    const desc = (xs: number[]) => expect(xs).toEqual([...xs].sort((x, y) => y - x));
    desc(await series('CREATED_DESC', (l) => Date.parse(l.createdAt)));
    desc(await series('UPDATED_DESC', (l) => Date.parse(l.updatedAt)));
    desc(await series('INVESTMENT_DESC', (l) => Number(l.investmentAmount ?? -1)));
    const landing = await series('EXPECTED_LANDING_ASC', (l) => Date.parse(l.expectedLandingDate));
    expect(landing).toEqual([...landing].sort((x, y) => x - y));
    const top = await search(v, '', { s: 'INVESTMENT_DESC', first: 1 });
    expect(top.hits[0].lead.id).toBe(corpus.byd.id);
  });

  it('pages with first/offset without gaps or repeats', async () => {
    const v = A('city-o');
    const all = idsOf(await search(v, '', { s: 'CREATED_DESC' }));
    const pages: string[] = [];
    for (let offset = 0; offset < all.length; offset += 7) {
      const r = await search(v, '', { s: 'CREATED_DESC', first: 7, offset });
      expect(r.totalHits).toBe(all.length);
      pages.push(...idsOf(r));
    }
    expect(pages).toEqual(all);
  });

  it('visibility matrix: every viewer finds, counts and facets exactly what lead(id) shows it', async () => {
    const problems: string[] = [];
    for (const v of viewers) {
      for (const [q, tokens] of [['矩阵', ['矩阵']], ['', []]] as [string, string[]][]) {
        const r = await search(v, q);
        const facet = await search(v, q, { facets: ['SHARING_SCOPE'], first: 1 });
        const expected = visibleMatching(v, tokens);
        const got = idsOf(r);
        for (const l of expected) if (!got.includes(l.id)) problems.push(`${v.name} "${q}": misses ${l.label}`);
        for (const id of got) if (!expected.some((l) => l.id === id)) problems.push(`${v.name} "${q}": shows ${world.lead(id).label}`);
        if (r.totalHits !== expected.length) problems.push(`${v.name} "${q}": totalHits ${r.totalHits} ≠ ${expected.length}`);
        const facetTotal = (facet.facets[0].values as any[]).reduce((s, x) => s + x.count, 0);
        if (facetTotal !== expected.length) problems.push(`${v.name} "${q}": facet total ${facetTotal} ≠ ${expected.length}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('audience tokens (lead-audience.ts) agree with the SQL visibility predicates and the oracle', async () => {
    const problems: string[] = [];
    await withPg(t.db.url, async (c) => {
      const leads = (
        await c.query(`SELECT l.id, l.owner_unit_id AS "ownerUnitId", ou.path AS "ownerPath", l.sharing_scope AS "sharingScope",
            ARRAY(SELECT u.path FROM lead_assignment la JOIN org_unit u ON u.id = la.unit_id WHERE la.lead_id = l.id) AS "assignedPaths",
            ARRAY(SELECT u.path FROM lead_referral r JOIN org_unit u ON u.id = r.to_unit_id
                   WHERE r.lead_id = l.id AND r.status = 'PENDING') AS "pendingReferralPaths"
           FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id`)
      ).rows;
      for (const v of viewers) {
        const row = (
          v.kind === 'user'
            ? await c.query(`SELECT u.id, u.role, u.username, ou.id AS "unitId", ou.path AS "unitPath", ou.tier AS "unitTier"
                FROM app_user u JOIN org_unit ou ON ou.id = u.unit_id WHERE u.username = $1`, [v.name])
            : await c.query(`SELECT a.id, a.scopes, a.name, ou.id AS "unitId", ou.path AS "unitPath", ou.tier AS "unitTier"
                FROM api_client a JOIN org_unit ou ON ou.id = a.unit_id WHERE a.name = $1`, [v.name])
        ).rows[0];
        const actor = (v.kind === 'user' ? { kind: 'user', ...row } : { kind: 'apiClient', rateLimitPerMinute: 1, ...row }) as DomainActor;
        const p = new SqlParams();
        const sql = `SELECT l.id FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id WHERE ${leadAccess(actor, p).visible()}`;
        const bySql = new Set((await c.query(sql, p.values)).rows.map((r: { id: string }) => r.id));
        const mine = callerAudienceTokens(actor);
        for (const l of leads) {
          const byTokens = audienceIntersects(leadAudienceTokens(l), mine);
          const byOracle = world.oracle.canSee(v, world.lead(l.id));
          if (byTokens !== bySql.has(l.id) || byTokens !== byOracle) {
            problems.push(`${v.name} × ${world.lead(l.id).label}: tokens ${byTokens}, SQL ${bySql.has(l.id)}, oracle ${byOracle}`);
          }
        }
      }
      expect(leads.length).toBe(world.leads.size);
    });
    expect(problems).toEqual([]);
  });

  it('searchSuggest offers titles and investor names the caller may see', async () => {
    const q = `query($p: String!, $n: Int) { searchSuggest(prefix: $p, first: $n) }`;
    const z1 = ok(await t.gql(q, { p: '比亚' }, A('z1-o').auth)).searchSuggest as string[];
    expect(sorted(z1)).toEqual(sorted(['比亚迪新能源汽车零部件产业园', '比亚迪股份有限公司']));
    // DISTRICT-scoped lead of 长安区 (D): invisible to a zone of another district
    expect(ok(await t.gql(q, { p: '比亚' }, A('oz2-o').auth)).searchSuggest).toEqual([]);
    expect(ok(await t.gql(q, { p: '矩阵', n: 3 }, A('city-o').auth)).searchSuggest).toHaveLength(3);
    expect(outcomeOf(await t.gql(q, { p: '矩阵', n: 500 }, A('city-o').auth))).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['punctuation only', '!!!，。', 'query'],
    ['10,000 characters', '航'.repeat(10_000), 'query'],
    ['control characters', 'abc\u0001def', 'query'],
  ])('a query of %s is BAD_USER_INPUT', async (_what, q, path) => {
    const res = await t.gql(SEARCH, { q }, A('city-o').auth);
    expect(outcomeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(errorsOf(res)[0].extensions)).toContain(path);
  });

  it.each([
    [{ first: 101 }, 'first'],
    [{ first: 0 }, 'first'],
    [{ offset: -1 }, 'offset'],
    [{ first: 10, offset: 995 }, 'offset'],
  ])('paging limits %j are BAD_USER_INPUT', async (vars, path) => {
    const res = await t.gql(query(''), { q: '芯片', ...vars }, A('city-o').auth);
    expect(outcomeOf(res)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(errorsOf(res)[0].extensions)).toContain(path);
  });

  it('search postings (migration 1764873000000) equal what their lead rows make, also inside the writing transaction', async () => {
    const COLS = 'term, id, score, updated_at, owner_unit_id, sharing_scope, stage, industry_code, capital_source_code, attraction_mode_codes';
    // Both directions of EXCEPT ALL: a posting missing or left over (stale columns count as both).
    const drift = `WITH e AS (SELECT p.term, l.id, p.score, l.updated_at, l.owner_unit_id, l.sharing_scope, l.stage, l.industry_code,
        l.capital_source_code, l.attraction_mode_codes FROM lead l, zs_search_postings(l.code, l.title, l.investor_name, l.summary, l.description) p)
      SELECT (SELECT count(*) FROM (SELECT * FROM e EXCEPT ALL SELECT ${COLS} FROM lead_search_posting) a)::int AS missing,
             (SELECT count(*) FROM (SELECT ${COLS} FROM lead_search_posting EXCEPT ALL SELECT * FROM e) b)::int AS extra,
             (SELECT count(*) FROM lead_search_posting WHERE term = '')::int AS everyone, (SELECT count(*) FROM lead)::int AS leads`;
    await withPg(t.db.url, async (c) => {
      const before = (await c.query(drift)).rows[0];
      expect(before).toEqual({ missing: 0, extra: 0, everyone: before.leads, leads: world.leads.size });
      await c.query('BEGIN');
      try {
        await c.query(`UPDATE lead SET title = '改写后的矩阵标题', stage = 'LOST', sharing_scope = 'PUBLIC', updated_at = now() + interval '1 day' WHERE id = $1`, [corpus.byd.id]);
        expect((await c.query(drift)).rows[0]).toMatchObject({ missing: 0, extra: 0 });
        const row = (await c.query(`SELECT stage, sharing_scope, score FROM lead_search_posting WHERE id = $1 AND term = '矩阵'`, [corpus.byd.id])).rows;
        expect(row).toEqual([{ stage: 'LOST', sharing_scope: 'PUBLIC', score: 16 }]);
      } finally {
        await c.query('ROLLBACK');
      }
    });
  });

  it('needs authentication', async () => {
    expect(outcomeOf(await t.gql(SEARCH, { q: '芯片' }))).toBe('UNAUTHENTICATED');
  });
});
