import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface IdeAsset {
  contentType: string;
  body: Buffer;
}

/** Files of npm packages the IDE needs; served by the platform itself, never from a CDN. */
const PACKAGE_FILES: Record<string, { pkg: string; file: string; contentType: string }> = {
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', contentType: 'text/javascript' },
  'react-dom.production.min.js': {
    pkg: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    contentType: 'text/javascript',
  },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', contentType: 'text/javascript' },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', contentType: 'text/css' },
};

export const IDE_ASSET_BASE = '/ide/assets';

/** Starts the IDE; a file of its own so the page's Content-Security-Policy can forbid inline scripts. */
const INIT_SCRIPT = `(function () {
  var defaultQuery = [
    '# 招商项目信息平台 GraphQL API',
    '#',
    '# 1. Sign in: run the Login mutation below (fill in your password).',
    '# 2. Open the Headers tab and add:  { "Authorization": "Bearer <accessToken>" }',
    '#    Partner developers send their API key instead:  { "X-Api-Key": "<key>" }',
    '# 3. Explore the schema with the Docs button on the left.',
    '',
    'mutation Login {',
    '  login(username: "admin", password: "") {',
    '    accessToken',
    '    expiresAt',
    '  }',
    '}',
    '',
  ].join('\\n');
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
  );
})();
`;

let cache: Map<string, IdeAsset> | undefined;

function packageDir(pkg: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

function load(): Map<string, IdeAsset> {
  if (cache) return cache;
  const assets = new Map<string, IdeAsset>();
  for (const [name, { pkg, file, contentType }] of Object.entries(PACKAGE_FILES)) {
    assets.set(name, { contentType, body: readFileSync(path.join(packageDir(pkg), file)) });
  }
  assets.set('ide.js', { contentType: 'text/javascript', body: Buffer.from(INIT_SCRIPT, 'utf8') });
  cache = assets;
  return assets;
}

export function ideAsset(name: string): IdeAsset | undefined {
  return load().get(name);
}

/** Version of the bundled GraphiQL: part of every asset URL, so browsers may cache assets for long. */
export function ideVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageDir('graphiql'), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Scripts and styles only from our own origin; inline styles are allowed because GraphiQL's editor
 * sets them, fonts are data: URIs inside graphiql.min.css.
 */
export const IDE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function ideHtml(): string {
  const v = encodeURIComponent(ideVersion());
  const asset = (name: string) => `${IDE_ASSET_BASE}/${name}?v=${v}`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>招商项目信息平台 · GraphQL IDE</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${asset('graphiql.min.css')}" />
    <style>
      html, body { height: 100%; margin: 0; overflow: hidden; }
      #graphiql { height: 100vh; }
    </style>
  </head>
  <body>
    <div id="graphiql">Loading the GraphQL IDE…</div>
    <script src="${asset('react.production.min.js')}"></script>
    <script src="${asset('react-dom.production.min.js')}"></script>
    <script src="${asset('graphiql.min.js')}"></script>
    <script src="${asset('ide.js')}"></script>
  </body>
</html>
`;
}
