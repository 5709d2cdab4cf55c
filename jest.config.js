/**
 * One jest run for unit specs (next to the code) and e2e suites (test/). The global setup
 * starts real Postgres, Redis and OCI registries once per run (test/support).
 */
const tsJest = ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: { '^@app/([a-z-]+)(/.*)?$': '<rootDir>/libs/$1/src$2' },
  // Every spec in the tree runs: unit specs wherever they sit, e2e suites under test/.
  testMatch: ['<rootDir>/{apps,libs,test,bench}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/contract/jest-setup.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
