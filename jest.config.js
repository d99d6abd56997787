// @nestjs/* 12 and meilisearch are ESM-only: swc compiles them (and our TypeScript) to CommonJS for jest.
const ESM_PACKAGES = [
  '@nestjs',
  'meilisearch',
  'file-type',
  'strtok3',
  'token-types',
  'peek-readable',
  'uint8array-extras',
  '@tokenizer',
  '@borewit',
  'load-esm',
  // PGlite (zero-setup database) loads Node built-ins with import(), which jest's CommonJS vm refuses.
  '@electric-sql',
];

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const libs = ['config', 'common', 'database', 'queue', 'org', 'identity', 'codes', 'leads', 'outbox', 'ops', 'search', 'notifications', 'webhooks', 'matchmaking', 'targets', 'excel', 'testing'];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: Object.fromEntries(libs.map((l) => [`^@zs/${l}$`, `<rootDir>/libs/${l}/src/index.ts`])),
};

// Suites that also run on the embedded database of `npm start` (PGlite, one session).
const EMBEDDED_SUITES = [
  'leads-basic',
  'leads-events',
  'leads-referrals',
  'leads-visibility',
  'org',
  'identity',
  'identity-admin',
  'identity-revocation',
];

// One template database per run for every project that talks to PostgreSQL and Redis.
const services = {
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  maxWorkers: 2,
  projects: [
    // Specs beside the code: no database, no Redis (`npm run test:unit` passes with both down).
    { ...shared, displayName: 'unit', roots: ['<rootDir>/apps', '<rootDir>/libs'], testRegex: '\\.spec\\.ts$' },
    // End to end on real PostgreSQL and Redis.
    { ...shared, ...services, displayName: 'e2e', roots: ['<rootDir>/test'], testRegex: '\\.e2e-spec\\.ts$' },
    // The same suites on PGlite (TEST_DATABASE=pglite is set in each worker by the setup file).
    {
      ...shared,
      ...services,
      displayName: 'pglite',
      roots: ['<rootDir>/test'],
      testRegex: `/(${EMBEDDED_SUITES.join('|')})\\.e2e-spec\\.ts$`,
      setupFiles: ['<rootDir>/test/support/embedded-setup.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/embedded-timeout.ts'],
    },
  ],
};
