import { startTestApp, type TestApp } from './support/harness';

/** CORS_ORIGINS (issue 7): configured origins get a preflight answer; CSRF prevention stays. */
describe('CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://console.example.gov.cn, https://partner.example.com' });
  });
  afterAll(() => t?.close());

  const preflight = (origin: string) =>
    fetch(`${t.baseUrl}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });

  it('answers the preflight of an allowed origin', async () => {
    const res = await preflight('https://console.example.gov.cn');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://console.example.gov.cn');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });

  it('gives other origins no CORS headers', async () => {
    const res = await preflight('https://evil.example.com');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an allowed origin can POST GraphQL and reads the response', async () => {
    const res = await fetch(`${t.baseUrl}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://partner.example.com', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://partner.example.com');
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('keeps CSRF prevention: a simple cross-site GET without a preflight header is refused', async () => {
    const res = await fetch(`${t.baseUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { origin: 'https://console.example.gov.cn' },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF/i);
  });

  it('refuses a bad CORS_ORIGINS value at start', async () => {
    await expect(startTestApp({ CORS_ORIGINS: 'console.example.gov.cn' })).rejects.toThrow(/CORS_ORIGINS must be/);
  });
});

describe('errors in development mode (what npm start runs)', () => {
  const internal = async (env: Record<string, string>) => {
    const t = await startTestApp({ NODE_ENV: 'development', ...env });
    try {
      await t.db.drop(); // every query now fails inside the server
      const res = await t.gql(`mutation { login(username: "nobody", password: "whatever-it-is") { accessToken } }`);
      return JSON.stringify(res.body);
    } finally {
      await t.app.close();
    }
  };

  it('look like production: no stack trace, no internal message', async () => {
    const body = await internal({ LOG_LEVEL: 'error' });
    expect(body).toMatch(/INTERNAL_SERVER_ERROR/);
    expect(body).toMatch(/"Internal server error"/);
    expect(body).not.toMatch(/stacktrace|\.ts:\d+|node_modules/);
  });

  it('show internals when LOG_LEVEL=debug', async () => {
    const body = await internal({ LOG_LEVEL: 'debug' });
    expect(body).toMatch(/INTERNAL_SERVER_ERROR/);
    expect(body).toMatch(/stacktrace/);
  });
});

/** GraphQL over HTTP (issue 7): legacy `application/json` clients get 200 for request errors, in the body. */
describe('status codes by accepted media type', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  const post = (accept: string | null, body: unknown) =>
    fetch(`${t.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accept === null ? {} : { accept }) },
      body: JSON.stringify(body),
    });
  const requests = {
    parse: { query: '{ me ' },
    validation: { query: '{ noSuchField }' },
    variables: { query: 'query($id: ID!) { lead(id: $id) { id } }', variables: {} },
  };

  for (const [kind, body] of Object.entries(requests)) {
    it(`${kind} error: 200 for application/json and for no Accept header, 400 for application/graphql-response+json`, async () => {
      for (const accept of ['application/json', null]) {
        const res = await post(accept, body);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const json = (await res.json()) as { data?: unknown; errors?: unknown[] };
        expect(json.data).toBeUndefined();
        expect(json.errors?.length).toBeGreaterThan(0);
      }
      const modern = await post('application/graphql-response+json', body);
      expect(modern.status).toBe(400);
      expect(modern.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    });
  }

  it('a request that is not JSON stays a 400 whatever the client accepts', async () => {
    const res = await fetch(`${t.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
  });
});
