/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
  transform: {
    // Type checking is `npm run typecheck`'s job; here files are only transpiled (fast).
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true, isolatedModules: true }, diagnostics: false }],
  },
  // p-retry and is-network-error ship ES modules only; the built bundles under dist/ are loaded as they are.
  transformIgnorePatterns: ['/node_modules/(?!(p-retry|is-network-error)/)', '<rootDir>/dist/'],
  maxWorkers: 2,
  testTimeout: 30000,
};
