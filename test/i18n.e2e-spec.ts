import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Msg, ZH, preferredLanguage, translate } from '@zs/common';
import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';

const ROOT = path.join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

// Messages handed to the domain exceptions and field collectors, literal or template (`${…}` → `{}`).
const THROWN = [
  /Exception\(\s*(['`])((?:(?!\1).)+)\1/g,
  /Exception\([^,()'`]+,\s*(['`])((?:(?!\1).)+)\1/g,
  /\.field\([^,]+,\s*(['`])((?:(?!\1).)+)\1/g,
  /\.add\([^,()]+,\s*(['`])((?:(?!\1).)+)\1/g,
];

function thrownMessages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of [...sources(path.join(ROOT, 'libs')), ...sources(path.join(ROOT, 'apps'))]) {
    if (file.includes(`${path.sep}testing${path.sep}`)) continue;
    const text = readFileSync(file, 'utf8');
    for (const re of THROWN) {
      for (const m of text.matchAll(re)) {
        found.set(m[2].replace(/\$\{[^}]*\}/g, '{}'), path.relative(ROOT, file));
      }
    }
  }
  return found;
}

describe('message catalog', () => {
  it('has a Chinese entry for every message the code base throws', () => {
    const found = thrownMessages();
    expect(found.size).toBeGreaterThan(50);
    const missing = [...found].filter(([m]) => ZH[m] === undefined).map(([m, file]) => `${file}: ${m}`);
    expect(missing).toEqual([]);
    for (const m of Object.values(Msg)) {
      const en = typeof m === 'function' ? m('{}') : m;
      expect([en, ZH[en]]).toEqual([en, expect.any(String)]);
    }
  });

  it('translates templates, values included', () => {
    expect(translate('Lead not found', 'zh')).toBe('线索不存在');
    expect(translate('must be between 1 and 100', 'zh')).toBe('必须在 1 到 100 之间');
    expect(translate('Lead not found', 'en')).toBe('Lead not found');
    expect(translate('something new', 'zh')).toBe('something new');
  });

  it('reads Accept-Language', () => {
    expect(preferredLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(preferredLanguage('en-US,zh;q=0.5')).toBe('en');
    expect(preferredLanguage('fr, zh-Hans;q=0.3')).toBe('zh');
    expect(preferredLanguage(undefined)).toBe('en');
  });
});

describe('Chinese error messages over HTTP', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    admin = await userToken(t, 'i18n-admin', '610100', 'ADMIN');
  });
  afterAll(() => t?.close());

  const zh = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' };

  it('domain errors and field messages follow Accept-Language', async () => {
    const q = `mutation($input: CreateOrgUnitInput!) { createOrgUnit(input: $input) { id } }`;
    const input = { code: '!', name: 'x', tier: 'ZONE' };
    const en = await t.gql(q, { input }, { token: admin });
    const cn = await t.gql(q, { input }, { token: admin, headers: zh });
    const enErr = en.body.errors![0];
    const cnErr = cn.body.errors![0];
    expect(cnErr.extensions!.code).toBe('BAD_USER_INPUT');
    const enFields = enErr.extensions!.fields as { path: string; message: string }[];
    const cnFields = cnErr.extensions!.fields as { path: string; message: string }[];
    expect(cnFields.map((f) => f.path)).toEqual(enFields.map((f) => f.path));
    expect(cnFields.find((f) => f.path === 'input.code')!.message).toBe('必须为 2-32 个字母、数字、- 或 _');
    expect(cnErr.message).toContain('input.code: 必须为 2-32 个字母、数字、- 或 _');
  });

  it('boundary errors and NOT_FOUND too', async () => {
    const nul = await t.gql(`query($c: String!) { orgUnitByCode(code: $c) { id } }`, { c: 'a\u0000' }, { token: admin, headers: zh });
    expect(nul.body.errors![0].extensions!.fields).toEqual([{ path: 'variables.c', message: '不能包含 NUL 字符（U+0000）' }]);
    const missing = await t.gql(
      `mutation { updateOrgUnit(id: "11111111-1111-4111-8111-111111111111", input: { name: "x" }) { id } }`,
      {},
      { token: admin, headers: zh },
    );
    expect(missing.body.errors![0].message).toBe('组织单位不存在');
    const unauth = await t.gql(`{ me { __typename } }`, {}, { headers: { 'accept-language': 'zh' } });
    expect(unauth.body.errors![0].message).toBe('需要登录');
  });

  it.each([
    ['LEAD_STAGE', 'LeadStage'],
    ['ROLE', 'Role'],
  ])('enumLabels(enum: %s) labels every value of the schema enum in both languages', async (which, typeName) => {
    const q = `{ enumLabels(enum: ${which}) { value en zh label } __type(name: "${typeName}") { enumValues { name } } }`;
    const en = await t.gql(q);
    const cn = await t.gql(q, {}, { headers: zh });
    const values = (en.body.data!.__type.enumValues as { name: string }[]).map((v) => v.name).sort();
    const labels = en.body.data!.enumLabels as { value: string; en: string; zh: string; label: string }[];
    expect(labels.map((l) => l.value).sort()).toEqual(values);
    for (const l of labels) {
      expect(l.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(l.label).toBe(l.en);
    }
    for (const l of cn.body.data!.enumLabels as { zh: string; label: string }[]) expect(l.label).toBe(l.zh);
  });

  it('enumLabels(enum: SCOPE) labels the API scopes', async () => {
    const res = await t.gql(`{ enumLabels(enum: SCOPE) { value zh } }`);
    expect(res.body.data!.enumLabels).toEqual([
      { value: 'leads:read', zh: '读取线索' },
      { value: 'leads:write', zh: '写入线索' },
    ]);
  });
});
