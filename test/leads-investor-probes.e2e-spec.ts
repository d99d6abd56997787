/**
 * Investor look-ups are bounded per actor (issue #7, defect 2): every createLead and every updateLead
 * with an investor counts, whether it raises a conflict (seen or hidden) or not, so the limit itself
 * tells nothing about other units' leads; over LEAD_INVESTOR_PROBE_LIMIT the request is RATE_LIMITED
 * and writes nothing.
 */
import { apiKey, seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { ok, outcomeOf, type Auth } from './support/gql';
import { withPg } from './support/pg';
import { makeUscc } from './support/uscc';

jest.setTimeout(120_000);

const LIMIT = 5;
const CREATE = `mutation($input: CreateLeadInput!) { createLead(input: $input) { id version } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: UpdateLeadInput!) { updateLead(id: $id, version: $v, input: $input) { id version } }`;

describe('investor probe limit', () => {
  let t: TestApp;
  let n = 0;
  const auth: Record<string, Auth> = {};

  beforeAll(async () => {
    t = await startTestApp({ LEAD_INVESTOR_PROBE_LIMIT: String(LIMIT), LEAD_INVESTOR_PROBE_WINDOW: '1h' });
    await seedXian(t.app);
    for (const [name, unit] of [
      ['probe-hidden', '610113-Z1'],
      ['probe-hidden2', '610113-Z1'],
      ['probe-hits', '610115-Z1'],
      ['probe-misses', '610115-Z2'],
      ['probe-editor', '610116-Z1'],
    ]) {
      auth[name] = { token: await userToken(t, name, unit, 'OFFICER') };
    }
    auth.api = { apiKey: await apiKey(t, 'probe-api', '610115-Z1', ['leads:read', 'leads:write']) };
  });
  afterAll(() => t?.close());

  const input = (investor: { name: string; uscc?: string }) => ({ title: `探测项目 ${n++}`, industryCode: 'NEV', investor });
  const create = (who: string, investor: { name: string; uscc?: string }) => t.gql(CREATE, { input: input(investor) }, auth[who]);
  const leadCount = () => withPg(t.db.url, async (c) => Number((await c.query(`SELECT count(*) FROM lead`)).rows[0].count));

  it('refuses the look-up after the limit at the same count whether the probes hit hidden leads or not', async () => {
    // Private leads of another district: every probe of `probe-hits` raises a conflict it is not told of.
    const targets = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      const investor = { name: `隐藏目标${i}有限公司`, uscc: makeUscc(8100 + i) };
      ok(await create(i < LIMIT ? 'probe-hidden' : 'probe-hidden2', investor));
      targets.push(investor);
    }
    const outcomes: Record<string, string[]> = { 'probe-hits': [], 'probe-misses': [] };
    for (let i = 0; i < LIMIT + 1; i++) {
      outcomes['probe-hits'].push(outcomeOf(await create('probe-hits', targets[i])));
      outcomes['probe-misses'].push(outcomeOf(await create('probe-misses', { name: `无人追踪${i}公司` })));
    }
    const expected = [...Array<string>(LIMIT).fill('OK'), 'RATE_LIMITED'];
    expect(outcomes).toEqual({ 'probe-hits': expected, 'probe-misses': expected });

    // Refused: nothing written, and the error says when to come back (within the window).
    const before = await leadCount();
    const res = await create('probe-hits', targets[0]);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(res.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(res.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(await leadCount()).toBe(before);
    // Chinese message for Chinese readers.
    const zh = await t.gql(CREATE, { input: input({ name: '中文提示公司' }) }, { ...auth['probe-hits'], headers: { 'accept-language': 'zh-CN' } } as Auth);
    expect(zh.body.errors?.[0]?.message).toContain('过于频繁');
  });

  it('updateLead counts when it carries an investor (changed or not), not otherwise; other actors and API clients count apart', async () => {
    const lead = ok(await create('probe-editor', { name: '编辑测试公司' })).createLead as { id: string; version: number };
    let version = lead.version;
    const update = async (inputs: Record<string, unknown>) => {
      const res = await t.gql(UPDATE, { id: lead.id, v: version, input: inputs }, auth['probe-editor']);
      if (res.body.data?.updateLead) version = res.body.data.updateLead.version;
      return outcomeOf(res);
    };
    // 1 create + 3 investor updates (the last one unchanged) + 1 = the limit.
    expect(await update({ investor: { name: '编辑测试二公司' } })).toBe('OK');
    expect(await update({ investor: { name: '编辑测试三公司' } })).toBe('OK');
    expect(await update({ investor: { name: '编辑测试三公司' } })).toBe('OK');
    for (let i = 0; i < 5; i++) expect(await update({ summary: `不涉及投资方 ${i}` })).toBe('OK');
    expect(await update({ investor: { name: '编辑测试四公司' } })).toBe('OK');
    expect(await update({ investor: { name: '编辑测试五公司' } })).toBe('RATE_LIMITED');
    expect(outcomeOf(await create('probe-editor', { name: '再建一个公司' }))).toBe('RATE_LIMITED');
    // The investor is unchanged by the refused update.
    const name = await withPg(t.db.url, async (c) => (await c.query(`SELECT investor_name FROM lead WHERE id = $1`, [lead.id])).rows[0].investor_name);
    expect(name).toBe('编辑测试四公司');

    // An API client of the same unit has its own count.
    for (let i = 0; i < LIMIT; i++) expect(outcomeOf(await create('api', { name: `接口投资${i}公司` }))).toBe('OK');
    expect(outcomeOf(await create('api', { name: '接口投资超限公司' }))).toBe('RATE_LIMITED');
  });
});
