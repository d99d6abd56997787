#!/usr/bin/env node
// `npm run test:meili`: the search conformance suite and the adapter spec against a real Meilisearch.
// No Meilisearch server exists on the build machines, so without MEILI_URL nothing runs and this fails
// loudly instead of passing on the PostgreSQL engine.
const { spawnSync } = require('node:child_process');

if (!process.env.MEILI_URL || !process.env.MEILI_URL.trim()) {
  console.error(
    'test:meili: MEILI_URL is not set, so NOTHING WAS RUN against Meilisearch.\n' +
      'Start a Meilisearch server and run e.g. MEILI_URL=http://127.0.0.1:7700 MEILI_MASTER_KEY=… npm run test:meili\n' +
      '(npm test covers the same conformance cases on the PostgreSQL engine, and the adapter requests in libs/search.)',
  );
  process.exit(2);
}
const jest = require.resolve('jest/bin/jest');
const r = spawnSync(process.execPath, [jest, 'test/search-conformance.e2e-spec.ts', 'libs/search', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: process.env,
});
process.exit(r.status ?? 1);
