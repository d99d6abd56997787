import { getIntrospectionQuery } from 'graphql';
import { Redis } from 'ioredis';
import { LoginThrottle } from '@zs/identity';
import { seedXian, startTestApp, testRedisUrl, type TestApp } from './support/harness';

/**
 * Abuse limits (libs/common/src/graphql/limits.ts, numbers in libs/config GraphqlLimits, defaults
 * here): every over-limit document below carries a `login` mutation for a user that does not exist.
 * Had the resolver run, the failed login would be counted in Redis; the counter stays absent, which
 * proves the refusal happens before any resolver runs.
 */
describe('GraphQL abuse limits', () => {
  let t: TestApp;
  let redis: Redis;
  const failureKey = (u: string) => t.app.get(LoginThrottle).userKey(u);
  const login = (u: string) => `login(username: "${u}", password: "wrong-password-123")`;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  async function expectNoLoginAttempt(username: string): Promise<void> {
    expect(await redis.exists(failureKey(username))).toBe(0);
  }

  it('the control: a normal failed login is counted in Redis under REDIS_PREFIX', async () => {
    const res = await t.gql(`mutation { ${login('control-user')} { accessToken } }`);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await redis.get(failureKey('control-user'))).toBe('1');
  });

  it('uses the documented defaults', () => {
    expect(t.config.limits).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 5000,
      maxCost: 25000,
      maxBodyBytes: 262144,
    });
  });

  it('refuses a query deeper than the limit', async () => {
    // login(1) user(2) unit(3) parent×9 (4..12) code(13)
    const deep = `${'parent { '.repeat(9)}code${' }'.repeat(9)}`;
    const res = await t.gql(`mutation { ${login('depth-user')} { user { unit { ${deep} } } } }`);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].message).toBe('Query depth 13 exceeds the limit of 12');
    expect(res.body.errors![0].extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'depth',
      depth: 13,
      maxDepth: 12,
    });
    await expectNoLoginAttempt('depth-user');

    // At the limit it passes validation (and the login runs, and fails).
    const ok = `${'parent { '.repeat(8)}code${' }'.repeat(8)}`;
    const atLimit = await t.gql(`mutation { ${login('depth-ok')} { user { unit { ${ok} } } } }`);
    expect(atLimit.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('counts depth through fragments', async () => {
    const res = await t.gql(
      `mutation { ${login('frag-depth-user')} { ...P } }
       fragment P on LoginPayload { user { unit { ...U } } }
       fragment U on OrgUnit { ${'parent { '.repeat(9)}code${' }'.repeat(9)} }`,
    );
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions?.limit).toBe('depth');
    await expectNoLoginAttempt('frag-depth-user');
  });

  it('refuses more aliases than the limit, counting aliases inside fragments once per spread', async () => {
    const fields = Array.from({ length: 31 }, (_, i) => `a${i}: ${login('alias-user')} { accessToken }`).join('\n');
    const res = await t.gql(`mutation { ${fields} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0].message).toBe('31 aliases exceed the limit of 30');
    expect(res.body.errors![0].extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'aliases',
      aliases: 31,
      maxAliases: 30,
    });
    await expectNoLoginAttempt('alias-user');

    // 4 aliases in a fragment spread under 8 aliased fields: 8 + 8×4 = 40 > 30.
    const spreads = Array.from({ length: 8 }, (_, i) => `m${i}: me { ...F }`).join(' ');
    const viaFragments = await t.gql(
      `query { ${spreads} } fragment F on User { a: id b: id c: username d: role }`,
    );
    expect(viaFragments.status).toBe(400);
    expect(viaFragments.body.errors![0].extensions).toMatchObject({ limit: 'aliases', aliases: 40 });
  });

  it('refuses a document with more tokens than the limit', async () => {
    const padding = ' __typename'.repeat(5000);
    const res = await t.gql(`mutation { ${login('token-user')} { accessToken ${padding} } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].message).toMatch(/more than 5000 tokens/);
    expect(res.body.errors![0].extensions).toMatchObject({
      code: 'GRAPHQL_PARSE_FAILED',
      limit: 'tokens',
      maxTokens: 5000,
    });
    await expectNoLoginAttempt('token-user');
  });

  it('refuses an operation whose estimated cost is over the limit', async () => {
    // Five nested `children` lists (10 assumed each): ~10^5 > 25000, depth only 9.
    const nested = `${'children { '.repeat(5)}code${' }'.repeat(5)}`;
    const res = await t.gql(`mutation { ${login('cost-user')} { user { unit { ${nested} } } } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].message).toMatch(/^Query cost \d+ exceeds the limit of 25000$/);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', maxCost: 25000 });
    expect(res.body.errors![0].extensions!.cost as number).toBeGreaterThan(25000);
    await expectNoLoginAttempt('cost-user');
  });

  it('refuses a body larger than the limit with 413 and JSON, before GraphQL sees it', async () => {
    const body = JSON.stringify({
      query: `mutation { ${login('body-user')} { accessToken } }`,
      variables: { pad: 'x'.repeat(262144) },
    });
    const res = await fetch(`${t.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const json = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(json.errors[0].message).toBe('Request body exceeds the limit of 262144 bytes');
    expect(json.errors[0].extensions).toEqual({ code: 'BAD_REQUEST', limit: 'body', maxBodyBytes: 262144 });
    await expectNoLoginAttempt('body-user');
  });

  it('answers malformed JSON with a JSON 400 and no stack trace', async () => {
    const res = await fetch(`${t.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(text).not.toMatch(/at .*\.js/);
  });

  it('refuses batched requests (an array of operations would multiply every limit)', async () => {
    const op = { query: `mutation { ${login('batch-user')} { accessToken } }` };
    const res = await fetch(`${t.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([op, op]),
    });
    expect(res.status).toBe(400);
    await expectNoLoginAttempt('batch-user');
  });

  it('lets the standard introspection query through (the IDE needs it)', async () => {
    const res = await t.gql(getIntrospectionQuery());
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.__schema).toBeDefined();
  });

  it('lets an ordinary nested query through', async () => {
    const res = await t.gql(
      `mutation { ${login('ordinary-user')} { user { unit { code parent { code } children { code leadingIndustries { code nameZh } } } } } }`,
    );
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await redis.get(failureKey('ordinary-user'))).toBe('1');
  });
});
