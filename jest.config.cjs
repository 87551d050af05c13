/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // p-retry and is-network-error ship ES modules only; the built bundles under dist/ are loaded as they are.
  transformIgnorePatterns: ['/node_modules/(?!(p-retry|is-network-error)/)', '<rootDir>/dist/'],
  maxWorkers: 2,
  testTimeout: 30000,
};
