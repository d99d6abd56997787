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

const libs = ['config', 'common', 'database', 'queue', 'org', 'identity', 'codes', 'leads', 'outbox', 'ops', 'search', 'notifications', 'testing'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.(t|j|mj|cj)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: Object.fromEntries(libs.map((l) => [`^@zs/${l}$`, `<rootDir>/libs/${l}/src/index.ts`])),
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
