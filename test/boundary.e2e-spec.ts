import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { errorsOf } from './support/gql';

/**
 * Bad input at the GraphQL boundary (issue 7, defect 3): every String and ID argument of every query
 * and mutation, read from the schema itself so new operations are covered without touching this file,
 * gets a NUL byte and a lone surrogate; each must be BAD_USER_INPUT naming the offending path, and
 * nothing may be written.
 */

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
}
interface FieldDef {
  name: string;
  args: InputValue[];
  type: TypeRef;
}
interface FullType {
  name: string;
  kind: string;
  fields: FieldDef[] | null;
  inputFields: InputValue[] | null;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
const SCHEMA_QUERY = `{ __schema {
  queryType { name } mutationType { name }
  types { name kind fields { name type { ${TYPE_REF} } args { name type { ${TYPE_REF} } } } inputFields { name type { ${TYPE_REF} } } }
} }`;

function printType(t: TypeRef): string {
  if (t.kind === 'NON_NULL') return `${printType(t.ofType!)}!`;
  if (t.kind === 'LIST') return `[${printType(t.ofType!)}]`;
  return t.name!;
}
function named(t: TypeRef): TypeRef {
  return t.ofType ? named(t.ofType) : t;
}
function isList(t: TypeRef): boolean {
  return t.kind === 'LIST' || (t.kind === 'NON_NULL' && t.ofType!.kind === 'LIST');
}

interface Probe {
  operation: string;
  document: string;
  /** Variable name and the value path inside it that carries the bad string. */
  variable: string;
  path: (string | number)[];
}

const STRINGY = new Set(['String', 'ID']);

/** Paths to every String/ID leaf of an input type, a few levels deep. */
function leafPaths(t: TypeRef, types: Map<string, FullType>, depth = 0): (string | number)[][] {
  const n = named(t);
  const wrap = (paths: (string | number)[][]) => (isList(t) ? paths.map((p) => [0, ...p]) : paths);
  if (STRINGY.has(n.name!)) return wrap([[]]);
  if (n.kind !== 'INPUT_OBJECT' || depth > 3) return [];
  const out: (string | number)[][] = [];
  for (const f of types.get(n.name!)!.inputFields ?? []) {
    for (const p of leafPaths(f.type, types, depth + 1)) out.push([f.name, ...p]);
  }
  return wrap(out);
}

function setPath(path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (typeof head === 'number') return [setPath(rest, leaf)];
  return { [head]: setPath(rest, leaf) };
}

function probes(schema: { queryType: { name: string }; mutationType: { name: string } | null; types: FullType[] }): Probe[] {
  const types = new Map(schema.types.map((t) => [t.name, t]));
  const out: Probe[] = [];
  for (const [kind, root] of [
    ['query', schema.queryType.name],
    ['mutation', schema.mutationType?.name],
  ] as const) {
    if (!root) continue;
    for (const field of types.get(root)!.fields ?? []) {
      if (field.name.startsWith('__') || field.args.length === 0) continue;
      const defs = field.args.map((a) => `$${a.name}: ${printType(a.type)}`).join(', ');
      const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const ret = named(field.type);
      const selection = ret.kind === 'SCALAR' || ret.kind === 'ENUM' ? '' : ' { __typename }';
      const document = `${kind}(${defs}) { ${field.name}(${args})${selection} }`;
      for (const a of field.args) {
        for (const path of leafPaths(a.type, types)) out.push({ operation: field.name, document, variable: a.name, path });
      }
    }
  }
  return out;
}

async function fingerprint(c: Client): Promise<string> {
  const { rows } = await c.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const parts: string[] = [];
  for (const { table_name } of rows) {
    const r = await c.query<{ h: string | null }>(`SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS h FROM "${table_name}" t`);
    parts.push(`${table_name}:${r.rows[0].h}`);
  }
  return parts.join('\n');
}

describe('the GraphQL boundary refuses strings PostgreSQL cannot store', () => {
  let t: TestApp;
  let admin: string;
  let db: Client;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    admin = await userToken(t, 'boundary-admin', '610100', 'ADMIN');
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('every String/ID argument and input field: NUL and a lone surrogate are BAD_USER_INPUT at their path, nothing written', async () => {
    const res = await t.gql<{ __schema: Parameters<typeof probes>[0] }>(SCHEMA_QUERY, {}, { token: admin });
    const all = probes(res.body.data!.__schema);
    // The schema has dozens of operations; a broken derivation would silently test nothing.
    expect(all.length).toBeGreaterThan(40);
    expect(new Set(all.map((p) => p.operation)).has('createLead')).toBe(true);
    const before = await fingerprint(db);
    const failures: string[] = [];
    for (const probe of all) {
      for (const bad of ['x\u0000y', 'x\ud800y']) {
        const r = await t.gql(probe.document, { [probe.variable]: setPath(probe.path, bad) }, { token: admin });
        const errs = errorsOf(r);
        const want = ['variables', probe.variable, ...probe.path].join('.');
        const ok =
          r.status !== 500 &&
          errs.length > 0 &&
          errs.every((e) => e.extensions?.code === 'BAD_USER_INPUT') &&
          errs.some((e) => e.extensions?.fields?.some((f) => f.path === want));
        if (!ok) failures.push(`${probe.operation} ${want} ${JSON.stringify(bad)} → ${r.status} ${JSON.stringify(r.body.errors)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await fingerprint(db)).toBe(before);
  });

  it('literal strings with a NUL escape are BAD_USER_INPUT with the argument path', async () => {
    const r = await t.gql(`{ leadByCode(code: "A\\u0000") { id } }`, {}, { token: admin });
    expect(errorsOf(r)).toEqual([
      expect.objectContaining({
        extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'code', message: expect.stringMatching(/NUL/) }] },
      }),
    ]);
  });

  it.each([['abc'], [-8.64e15], ['2026-02-30T00:00:00Z'], ['99999-01-01T00:00:00Z']])(
    'an invalid DateTime filter value (%p) is BAD_USER_INPUT at its path',
    async (value) => {
      const r = await t.gql(
        `query($f: LeadFilter) { leads(filter: $f) { totalCount } }`,
        { f: { createdFrom: value } },
        { token: admin },
      );
      expect(r.status).toBe(400);
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({
          extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'variables.f.createdFrom', message: expect.any(String) }] },
        }),
      ]);
    },
  );

  it('a valid DateTime filter still works', async () => {
    const r = await t.gql(`query($f: LeadFilter) { leads(filter: $f) { totalCount } }`, { f: { createdFrom: '2020-01-01T00:00:00+08:00' } }, { token: admin });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toEqual({ leads: { totalCount: 0 } });
  });

  const tampered = [
    Buffer.from(JSON.stringify(['abc', randomUUID()])).toString('base64url'),
    Buffer.from(JSON.stringify(['2026-13-45 00:00:00+00', randomUUID()])).toString('base64url'),
    Buffer.from(JSON.stringify([1, 2])).toString('base64url'),
    'not-a-cursor',
  ];
  it.each([
    ['leads', `query($a: String) { leads(after: $a) { totalCount } }`],
    ['leads by amount', `query($a: String) { leads(after: $a, orderBy: { field: INVESTMENT_AMOUNT, direction: DESC }) { totalCount } }`],
    ['conflicts', `query($a: String) { conflicts(after: $a) { totalCount } }`],
    ['referrals', `query($a: String) { referrals(direction: INCOMING, after: $a) { totalCount } }`],
  ])('a tampered cursor on %s is BAD_USER_INPUT on `after`', async (_name, query) => {
    for (const a of tampered) {
      const r = await t.gql(query, { a }, { token: admin });
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'after', message: 'is not a valid cursor' }] } }),
      ]);
    }
  });

  it('a (valid) subscription operation over HTTP is BAD_USER_INPUT, not a server error: subscriptions are served over graphql-ws', async () => {
    for (const doc of ['subscription { notificationAdded { id } }', 'subscription S { unreadNotificationCount }']) {
      const r = await t.gql(doc, {}, { token: admin });
      expect(r.status).toBe(400);
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'operation', message: expect.any(String) }] } }),
      ]);
    }
  });
});

describe('production hides schema details in errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: 'production', GRAPHQL_IDE: 'false' });
  });
  afterAll(() => t?.close());

  it('no "Did you mean" for fields, arguments, enum values or types', async () => {
    for (const doc of [
      `{ leadz { id } }`,
      `{ leads(frist: 1) { totalCount } }`,
      `{ leads(orderBy: { field: CREATED, direction: DESC }) { totalCount } }`,
      `query($f: LeadFiltr) { leads(filter: $f) { totalCount } }`,
    ]) {
      const r = await t.gql(doc);
      expect(r.body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(r.body)).not.toMatch(/Did you mean/i);
    }
  });
});
