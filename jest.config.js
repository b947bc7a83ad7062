// Every test in the workspace as one jest run (one summary). Used by `npm test` and CI.
module.exports = {
  projects: [
    '<rootDir>/packages/*/jest.config.js',
    '<rootDir>/services/*/jest.config.js',
    '<rootDir>/gateway/jest.config.js',
  ],
  testTimeout: 60_000,
};
