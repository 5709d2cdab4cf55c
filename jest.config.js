/**
 * One jest run for unit specs (next to the code) and e2e suites (test/). The global setup
 * starts real Postgres (with a transaction-mode PgBouncer in front), Redis and OCI registries
 * once per run (test/support).
 *
 * Two projects share that run (and its one `N passed, N failed` line):
 * - `direct`: every spec, the product connected straight to Postgres;
 * - `pgbouncer`: the suites that exercise the product's database work end to end once more,
 *   with DATABASE_URL pointing at PgBouncer (pool_mode = transaction) and DATABASE_DIRECT_URL
 *   at Postgres (test/support/database-route.ts).
 * `npx jest --selectProjects direct` (or pgbouncer) runs one of them.
 */
const tsJest = ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: { '^@app/([a-z-]+)(/.*)?$': '<rootDir>/libs/$1/src$2' },
  setupFilesAfterEnv: ['<rootDir>/test/support/contract/jest-setup.ts'],
};

/** Through PgBouncer as well: the API's acceptance suites, the lifecycle with the worker, the event streams, and every fault suite. */
const PGBOUNCER_SUITES = [
  '<rootDir>/test/templates-api.e2e-spec.ts',
  '<rootDir>/test/templates-lifecycle.e2e-spec.ts',
  '<rootDir>/test/templates-validation.e2e-spec.ts',
  '<rootDir>/test/templates-pagination.e2e-spec.ts',
  '<rootDir>/test/image-validation.e2e-spec.ts',
  // Streams read the log on the pool at open and at every wake: a named statement there broke them through PgBouncer.
  '<rootDir>/test/events-stream.e2e-spec.ts',
  '<rootDir>/test/faults/**/*.e2e-spec.ts',
];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'direct',
      // Every spec in the tree runs: unit specs wherever they sit, e2e suites under test/.
      testMatch: ['<rootDir>/{apps,libs,test,bench}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
    },
    {
      ...shared,
      displayName: 'pgbouncer',
      testMatch: PGBOUNCER_SUITES,
      setupFiles: ['<rootDir>/test/support/pgbouncer-route.ts'],
    },
  ],
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
