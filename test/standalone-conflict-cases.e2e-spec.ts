import { seedXian, startEmbeddedTestApp, userToken, type TestApp } from './support/harness';
import { ok, outcomeOf } from './support/gql';
import { makeUscc } from './support/uscc';

/**
 * Conflict cases, random lead codes and the investor look-up limit on the embedded database of
 * `npm start` (PGlite, one session): detection, joining, merging and the code retry all run inside
 * the saving transaction, so none of them may go around it.
 */
describe('conflict cases and lead codes on the embedded database (PGlite)', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let n = 0;

  beforeAll(async () => {
    t = await startEmbeddedTestApp({ LEAD_INVESTOR_PROBE_LIMIT: '8' });
    await seedXian(t.app);
    for (const [name, unit, role] of [
      ['pg-z1', '610115-Z1', 'OFFICER'],
      ['pg-z2', '610115-Z2', 'OFFICER'],
      ['pg-yt', '610113-Z1', 'OFFICER'],
      ['pg-city', '610100', 'MANAGER'],
    ]) {
      tokens[name] = await userToken(t, name, unit, role);
    }
  }, 120_000);
  afterAll(() => t?.close());

  const create = async (who: string, investor: { name: string; uscc?: string }) =>
    ok(
      await t.gql(
        `mutation($input: CreateLeadInput!) { createLead(input: $input) { id code } }`,
        { input: { title: `嵌入式项目 ${n++}`, industryCode: 'NEV', investor, sharingScope: 'CITY' } },
        { token: tokens[who] },
      ),
    ).createLead as { id: string; code: string };
  const cases = async () =>
    ok(await t.gql(`{ conflicts(status: OPEN) { edges { node { id leadCount match } } } }`, {}, { token: tokens['pg-city'] })).conflicts.edges.map(
      (e: any) => e.node,
    );

  it('joins, merges and resolves cases; codes are random and distinct; the look-up limit holds', async () => {
    const uscc = makeUscc(9100);
    const a = await create('pg-z1', { name: '嵌入式名称投资有限公司' });
    await create('pg-yt', { name: '嵌入式名称投资集团' });
    await create('pg-z2', { name: '另一嵌入式公司', uscc });
    await create('pg-yt', { name: '另一嵌入式', uscc });
    expect((await cases()).map((c: any) => c.leadCount)).toEqual([2, 2]);
    const link = await create('pg-z2', { name: '嵌入式名称投资有限公司', uscc });
    const [merged] = await cases();
    expect(merged).toMatchObject({ leadCount: 5, match: 'NAME' });
    const notice = ok(await t.gql(`query($id: ID!) { lead(id: $id) { conflicts { id otherLeads { id } } } }`, { id: a.id }, { token: tokens['pg-z1'] })).lead;
    expect(notice.conflicts.map((c: any) => c.id)).toEqual([merged.id]);
    expect(notice.conflicts[0].otherLeads.map((l: any) => l.id)).toContain(link.id);
    const resolved = await t.gql(`mutation($id: ID!) { resolveConflict(id: $id, resolution: JOINT_PURSUIT) { status leadCount } }`, { id: merged.id }, { token: tokens['pg-city'] });
    expect(ok(resolved).resolveConflict).toEqual({ status: 'RESOLVED', leadCount: 5 });

    const codes = [a.code, link.code, (await create('pg-z1', { name: '编码甲' })).code, (await create('pg-z1', { name: '编码乙' })).code];
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^XA-\d{4}-\d{6}$/);

    // pg-z1 has made 3 look-ups; 5 more reach the limit of 8, the next is refused.
    for (let i = 0; i < 5; i++) await create('pg-z1', { name: `限额${i}` });
    const refused = await t.gql(
      `mutation($input: CreateLeadInput!) { createLead(input: $input) { id } }`,
      { input: { title: '超限', industryCode: 'NEV', investor: { name: '超限公司' } } },
      { token: tokens['pg-z1'] },
    );
    expect(outcomeOf(refused)).toBe('RATE_LIMITED');
  }, 120_000);
});
