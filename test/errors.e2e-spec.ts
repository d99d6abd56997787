import { Client } from 'pg';
import { adminDatabaseUrl, seedXian, startTestApp, userToken, type GqlResponse, type TestApp } from './support/harness';

/**
 * The shape of every error code the API reports (libs/common/src/errors), through real HTTP. Every
 * response seen here is also checked for the absence of stack traces (NODE_ENV=test).
 */
describe('error codes and their shape', () => {
  let t: TestApp;
  let admin: string;
  let officer: string;
  let cityId: string;
  const seen: GqlResponse[] = [];
  const gql = async (...args: Parameters<TestApp['gql']>) => {
    const res = await t.gql(...args);
    seen.push(res);
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '1', LOGIN_SLOW_AFTER: '1' });
    await seedXian(t.app);
    admin = await userToken(t, 'err-admin', '610100', 'ADMIN');
    officer = await userToken(t, 'err-officer', '610100', 'OFFICER');
    const res = await t.gql(`{ orgUnitByCode(code: "610100") { id } }`, {}, { token: admin });
    cityId = res.body.data!.orgUnitByCode.id;
  });
  afterAll(() => t?.close());

  afterEach(() => {
    for (const res of seen.splice(0)) expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|\.ts:\d+|node_modules/);
  });

  it('UNAUTHENTICATED: no credentials on `me`', async () => {
    const res = await gql(`{ me { __typename } }`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: null,
      errors: [
        { message: 'Authentication required', locations: [{ line: 1, column: 3 }], path: ['me'], extensions: { code: 'UNAUTHENTICATED' } },
      ],
    });
  });

  it('FORBIDDEN: an officer creating a unit', async () => {
    const res = await gql(
      `mutation { createOrgUnit(input: { code: "F-1", name: "x", tier: ZONE, parentId: "${cityId}" }) { id } }`,
      {},
      { token: officer },
    );
    expect(res.body).toEqual({
      data: null,
      errors: [
        {
          message: 'Only administrators manage the organisation',
          locations: [{ line: 1, column: 12 }],
          path: ['createOrgUnit'],
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
  });

  it('NOT_FOUND: updateOrgUnit on an unknown id', async () => {
    const res = await gql(
      `mutation { updateOrgUnit(id: "11111111-1111-4111-8111-111111111111", input: { name: "x" }) { id } }`,
      {},
      { token: admin },
    );
    expect(res.body.errors).toEqual([
      { message: 'Org unit not found', locations: [{ line: 1, column: 12 }], path: ['updateOrgUnit'], extensions: { code: 'NOT_FOUND' } },
    ]);
  });

  it('BAD_USER_INPUT: extensions.fields lists every bad field with its path', async () => {
    const res = await gql(
      `mutation($input: CreateOrgUnitInput!) { createOrgUnit(input: $input) { id } }`,
      { input: { code: '!', name: '', tier: 'ZONE', parentId: cityId, leadingIndustryCodes: ['NOT_A_CODE'] } },
      { token: admin },
    );
    expect(res.body.data).toBeNull();
    const [err] = res.body.errors!;
    expect(err.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [
        { path: 'input.code', message: 'must be 2-32 letters, digits, - or _' },
        { path: 'input.name', message: 'must be 1 to 100 characters' },
        { path: 'input.leadingIndustryCodes.0', message: 'is not an active INDUSTRY code' },
      ],
    });
    expect(err.message).toBe(
      'input.code: must be 2-32 letters, digits, - or _; input.name: must be 1 to 100 characters; input.leadingIndustryCodes.0: is not an active INDUSTRY code',
    );
    expect(err.path).toEqual(['createOrgUnit']);
  });

  it('BAD_USER_INPUT: a variable of the wrong type gets the same shape, with the variable as path', async () => {
    const res = await gql(`query($t: OrgTier) { orgUnits(tier: $t) { code } }`, { t: 'PLANET' }, { token: admin });
    expect(res.status).toBe(400);
    const [err] = res.body.errors!;
    expect(err.extensions!.code).toBe('BAD_USER_INPUT');
    expect(err.extensions!.fields).toEqual([{ path: 'variables.t', message: expect.stringMatching(/"PLANET" does not exist/) }]);
    expect(err.message).toMatch(/^variables\.t: /);
  });

  it('CONFLICT: a duplicate unit code', async () => {
    const res = await gql(
      `mutation { createOrgUnit(input: { code: "610100-GX", name: "x", tier: ZONE, parentId: "${cityId}" }) { id } }`,
      {},
      { token: admin },
    );
    expect(res.body.errors).toEqual([
      {
        message: 'A unit with this code already exists',
        locations: [{ line: 1, column: 12 }],
        path: ['createOrgUnit'],
        extensions: { code: 'CONFLICT', constraint: 'org_unit_code_key' },
      },
    ]);
  });

  it('RATE_LIMITED: carries retryAfterSeconds', async () => {
    await gql(`mutation { login(username: "err-admin", password: "wrong-password") { accessToken } }`);
    const res = await gql(`mutation { login(username: "err-admin", password: "wrong-password") { accessToken } }`);
    expect(res.body.errors).toEqual([
      {
        message: 'Too many failed logins; try again later',
        locations: [{ line: 1, column: 12 }],
        path: ['login'],
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      },
    ]);
  });

  it('GRAPHQL_VALIDATION_FAILED and GRAPHQL_PARSE_FAILED: no stack trace', async () => {
    const invalid = await gql(`{ nope }`, {}, { token: admin });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors![0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    const broken = await gql(`{ me `, {}, { token: admin });
    expect(broken.status).toBe(400);
    expect(broken.body.errors![0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });
});

/** Takes the database away under a running app: the next queries fail for real. */
async function dropDatabase(name: string): Promise<void> {
  const c = new Client({ connectionString: adminDatabaseUrl() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

describe.each(['test', 'production'])('INTERNAL_SERVER_ERROR with NODE_ENV=%s', (nodeEnv) => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: nodeEnv });
    await seedXian(t.app);
    token = await userToken(t, 'internal-user', '610100', 'ADMIN');
    await dropDatabase(t.db.name);
  });
  afterAll(() => t?.close());

  it('a resolver that hits the dead database: generic message, no stack trace, no internals', async () => {
    const res = await t.gql(`mutation { login(username: "internal-user", password: "whatever-password") { accessToken } }`);
    expect(res.body).toEqual({
      data: null,
      errors: [
        {
          message: 'Internal server error',
          locations: [{ line: 1, column: 12 }],
          path: ['login'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
  });

  it('authentication that hits the dead database (context creation): same, and HTTP 500', async () => {
    const res = await t.gql(`{ me { __typename } }`, {}, { token });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });
});

describe('INTERNAL_SERVER_ERROR with NODE_ENV=development and LOG_LEVEL=debug', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: 'development', LOG_LEVEL: 'debug' });
    await seedXian(t.app);
    await dropDatabase(t.db.name);
  });
  afterAll(() => t?.close());

  it('shows the real message and a stack trace to developers', async () => {
    const res = await t.gql(`mutation { login(username: "someone", password: "whatever-password") { accessToken } }`);
    const [err] = res.body.errors!;
    expect(err.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
    expect(err.message).not.toBe('Internal server error');
    expect(Array.isArray(err.extensions!.stacktrace)).toBe(true);
  });
});
