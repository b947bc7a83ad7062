// Shared jest settings. Each package's jest.config.js calls this with its own directory; the root
// jest.config.js runs every package as one multi-project run so the totals come out as one summary.
const path = require('node:path');

/**
 * @param {string} dir the package directory (pass __dirname)
 * @param {{ infrastructure?: boolean } & import('jest').Config} [options]
 *   infrastructure: the package's tests need PostgreSQL and Kafka (the harness resolves them once).
 * @returns {import('jest').Config}
 */
module.exports = function jestConfig(dir, options = {}) {
  const { infrastructure = false, ...overrides } = options;
  const harness = path.join(__dirname, 'packages/testing/src/jest');
  return {
    rootDir: dir,
    displayName: require(path.join(dir, 'package.json')).name,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    transform: {
      '^.+\\.(t|j)s$': [
        require.resolve('@swc/jest'),
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    // Relative imports written with a .js extension (as generated Prisma clients do) resolve to .ts.
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    ...(infrastructure
      ? {
          globalSetup: path.join(harness, 'global-setup.ts'),
          globalTeardown: path.join(harness, 'global-teardown.ts'),
        }
      : {}),
    ...overrides,
  };
};
