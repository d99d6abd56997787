import { startTestApp, type TestApp } from './support/harness';

/** Every URL a page loads through <script src> or <link href>. */
function pageAssets(html: string): string[] {
  const urls: string[] = [];
  for (const m of html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"/gi)) urls.push(m[1]);
  return urls;
}

function isSameOrigin(url: string): boolean {
  // Absolute paths only: no scheme, no protocol-relative //host. (data: URIs need no network.)
  return url.startsWith('data:') || (url.startsWith('/') && !url.startsWith('//'));
}

describe('GraphQL IDE (self-hosted GraphiQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ GRAPHQL_IDE: 'true' });
  });
  afterAll(() => t?.close());

  it('serves the IDE page at /ide with every script and stylesheet from our own origin', async () => {
    const res = await fetch(`${t.baseUrl}/ide`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    const assets = pageAssets(html);
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const url of assets) expect(isSameOrigin(url)).toBe(true);
    // No inline script: the CSP forbids it, so everything must be a file.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  });

  it('serves each asset itself, with the right type and the real library inside', async () => {
    const html = await (await fetch(`${t.baseUrl}/ide`)).text();
    const expectations: Record<string, { type: RegExp; contains: string; minBytes: number }> = {
      'react.production.min.js': { type: /text\/javascript/, contains: 'react.production.min.js', minBytes: 5_000 },
      'react-dom.production.min.js': { type: /text\/javascript/, contains: 'react-dom.production.min.js', minBytes: 100_000 },
      'graphiql.min.js': { type: /text\/javascript/, contains: 'GraphiQL', minBytes: 500_000 },
      'graphiql.min.css': { type: /text\/css/, contains: '.graphiql-container', minBytes: 50_000 },
      'ide.js': { type: /text\/javascript/, contains: "createFetcher({ url: '/graphql' })", minBytes: 200 },
    };
    const seen = new Set<string>();
    for (const url of pageAssets(html).filter((u) => !u.startsWith('data:'))) {
      const name = new URL(url, t.baseUrl).pathname.split('/').pop()!;
      const want = expectations[name];
      expect(want).toBeDefined();
      const res = await fetch(new URL(url, t.baseUrl));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(want.type);
      const body = await res.text();
      expect(body.length).toBeGreaterThan(want.minBytes);
      expect(body).toContain(want.contains);
      seen.add(name);
    }
    expect([...seen].sort()).toEqual(Object.keys(expectations).sort());
    expect((await fetch(`${t.baseUrl}/ide/assets/package.json`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/ide/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('gives browsers the IDE at GET /graphql, API clients the API', async () => {
    const page = await fetch(`${t.baseUrl}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/ide/assets/graphiql.min.js');

    const api = await fetch(`${t.baseUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual({ data: { __typename: 'Query' } });

    const post = await t.gql(`{ __typename }`);
    expect(post.body.data).toEqual({ __typename: 'Query' });
  });
});

describe('GraphQL IDE switched off (production default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ GRAPHQL_IDE: 'false' });
  });
  afterAll(() => t?.close());

  it('serves no IDE, and Apollo shows no CDN landing page instead', async () => {
    expect((await fetch(`${t.baseUrl}/ide`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/ide/assets/graphiql.min.js`)).status).toBe(404);
    const res = await fetch(`${t.baseUrl}/graphql`, { headers: { accept: 'text/html' } });
    const body = await res.text();
    expect(body).not.toContain('graphiql');
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/cdn\.|unpkg|apollographql\.com|jsdelivr/);
  });
});
