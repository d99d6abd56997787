/**
 * Property-based tests: malformed createLead/updateLead inputs through HTTP never cause a 500,
 * are refused as BAD_USER_INPUT naming the offending field, and never write anything.
 */
import fc from 'fast-check';
import type { Client } from 'pg';
import { Client as PgClient } from 'pg';
import { seedXian, startTestApp, userToken, type GqlResponse, type TestApp } from './support/harness';
import { ok } from './support/gql';
import { applyMutation, brokenField, normalisePath, nullExamples, overflowExamples, type Mutation } from './support/malformed';

jest.setTimeout(120_000);

const CREATE = `mutation($input: CreateLeadInput!) { createLead(input: $input) { id version } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: UpdateLeadInput!) { updateLead(id: $id, version: $v, input: $input) { id version } }`;

/** What went wrong with a refused request, or null when the refusal is as documented. */
export function refusalProblem(res: GqlResponse<any>, mut: Mutation): string | null {
  const errs = res.body.errors ?? [];
  if (res.status >= 500) return `HTTP ${res.status}`;
  if (errs.length === 0) return 'no error';
  if (errs.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) return `internal error: ${errs[0].message}`;
  if (!errs.every((e) => e.extensions?.code === 'BAD_USER_INPUT')) return `codes ${errs.map((e) => e.extensions?.code).join(',')}`;
  const want = mut.path.join('.');
  const fields = errs.flatMap((e) => e.extensions?.fields ?? []);
  if (fields.length > 0) {
    const report = mut.reportAt?.join('.');
    const hit = fields.some((f) => {
      const p = normalisePath(f.path);
      return p === want || p.startsWith(`${want}.`) || (report !== undefined && p === report);
    });
    if (hit) return null;
    // A variable-coercion error (path under `variables.`) may name the field in its message only,
    // e.g. 'Field "x" is not defined by type "CreateLeadInput"'.
    const leaf = [...mut.path].reverse().find((k) => typeof k === 'string') as string;
    const coercion = fields.every((f) => f.path.startsWith('variables.'));
    if (coercion && errs.some((e) => e.message.includes(`"${leaf}"`) || e.message.includes(`.${leaf}`))) return null;
    return `fields ${fields.map((f) => f.path).join(', ')} do not name ${want}`;
  }
  // A variable-coercion error from graphql-js: it names the variable path in its message.
  const leaf = [...mut.path].reverse().find((k) => typeof k === 'string') as string;
  return errs.some((e) => e.message.includes(leaf)) ? null : `coercion error does not name ${leaf}: ${errs[0].message}`;
}

describe('leads: malformed inputs (property-based)', () => {
  let t: TestApp;
  let pg: Client;
  let token: string;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    token = await userToken(t, 'prop-officer', '610115-Z1', 'OFFICER');
    pg = new PgClient({ connectionString: t.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  const counts = async () => {
    const { rows } = await pg.query<{ leads: number; events: number; history: number }>(
      `SELECT (SELECT count(*)::int FROM lead) AS leads, (SELECT count(*)::int FROM outbox_event) AS events,
              (SELECT count(*)::int FROM lead_history) AS history`,
    );
    return rows[0];
  };

  const validCreate = () => {
    seq++;
    return {
      title: `属性测试项目 ${seq}`,
      industryCode: 'NEW_MATERIALS',
      capitalSourceCode: 'PRIVATE',
      attractionModeCodes: ['EVENT'],
      investor: { name: `属性测试投资${seq}号`, countryOrRegion: '中国' },
      investmentAmount: '100.00',
      expectedJobs: 10,
      expectedLandingDate: '2027-01-01',
      contacts: [{ name: '王五', phone: '13900000000', email: 'wang@example.cn' }],
    };
  };

  it('the valid base inputs are accepted (so a refusal below is about the broken field)', async () => {
    const before = await counts();
    ok(await t.gql(CREATE, { input: validCreate() }, { token }));
    const after = await counts();
    expect(after.leads).toBe(before.leads + 1);
    expect(after.events).toBeGreaterThan(before.events);
  });

  it('createLead: no 500, BAD_USER_INPUT naming the field, no partial write', async () => {
    const problems: string[] = [];
    await fc.assert(
      // two broken fields at most, never the same top-level field (the second would undo the first)
      fc.asyncProperty(fc.uniqueArray(brokenField('create'), { minLength: 1, maxLength: 2, selector: (x) => String(x.path[0]) }), async (muts) => {
        const input = muts.reduce(applyMutation, validCreate());
        const before = await counts();
        const res = await t.gql(CREATE, { input }, { token });
        const after = await counts();
        const mustRefuse = muts.some((x) => x.expect === 'invalid');
        if (res.body.data?.createLead) {
          if (mustRefuse) problems.push(`accepted ${JSON.stringify(muts).slice(0, 300)}`);
          // an accepted input is a complete write: the lead, its history and its event
          expect(after.leads).toBe(before.leads + 1);
          expect(after.events).toBeGreaterThan(before.events);
          return;
        }
        expect(after).toEqual(before);
        const why = muts.map((x) => refusalProblem(res, x));
        // with two broken fields the server may report only one of them
        if (why.every((w) => w !== null)) problems.push(`${why.join(' / ')} for ${JSON.stringify(muts).slice(0, 300)}`);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150, examples: [...overflowExamples(), ...nullExamples('create')].map((x) => [[x]]) },
    );
    expect(problems).toEqual([]);
  });

  it('updateLead: no 500, BAD_USER_INPUT naming the field, nothing changed (row, version, history, outbox)', async () => {
    const created = ok(await t.gql(CREATE, { input: validCreate() }, { token })).createLead;
    let version: number = created.version;
    const row = async () => (await pg.query(`SELECT to_jsonb(l) AS r FROM lead l WHERE id = $1`, [created.id])).rows[0].r;
    const problems: string[] = [];
    await fc.assert(
      fc.asyncProperty(brokenField('update'), fc.boolean(), async (mut, withValidChange) => {
        const base: Record<string, unknown> = { investor: { name: '属性测试更新投资' }, contacts: [{ name: '赵六' }] };
        if (withValidChange) base.summary = `本应一起保存的摘要 ${seq++}`;
        const input = applyMutation(base, mut);
        const [beforeRow, before] = [await row(), await counts()];
        const res = await t.gql(UPDATE, { id: created.id, v: version, input }, { token });
        if (res.body.data?.updateLead) {
          if (mut.expect === 'invalid') problems.push(`accepted ${JSON.stringify(mut).slice(0, 300)}`);
          version = res.body.data.updateLead.version;
          const after = await row();
          // a cleared required field must never be stored as null
          expect(after.title).not.toBeNull();
          expect(after.industry_code).not.toBeNull();
          expect(after.investor_name).not.toBeNull();
          return;
        }
        expect(await row()).toEqual(beforeRow);
        expect(await counts()).toEqual(before);
        const why = refusalProblem(res, mut);
        if (why) problems.push(`${why} for ${JSON.stringify(mut).slice(0, 300)}`);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150, examples: [...overflowExamples(), ...nullExamples('update')].map((x) => [x, false] as [Mutation, boolean]) },
    );
    expect(problems).toEqual([]);
  });

  it('whole-input garbage and oversized bodies are refused without a 500', async () => {
    const before = await counts();
    for (const input of [null, 'lead', 42, [], [validCreate()], { nested: { deeper: [1, { a: null }] } }]) {
      const res = await t.gql(CREATE, { input }, { token });
      expect(res.status).toBeLessThan(500);
      expect([JSON.stringify(input), res.body.errors?.[0]?.extensions?.code]).toEqual([JSON.stringify(input), 'BAD_USER_INPUT']);
    }
    const huge = await t.gql(CREATE, { input: { ...validCreate(), title: '长'.repeat(300_000) } }, { token });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect(huge.body.errors?.length).toBeGreaterThan(0);
    expect(await counts()).toEqual(before);
  });
});
