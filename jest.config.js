// Every test in the workspace as one jest run (one summary). Used by `npm test` and CI.
const { availableParallelism } = require('node:os');

module.exports = {
  projects: [
    '<rootDir>/packages/*/jest.config.js',
    '<rootDir>/services/*/jest.config.js',
    '<rootDir>/gateway/jest.config.js',
  ],
  testTimeout: 60_000,
  // A test file runs the whole platform in its worker, which keeps one core busy. Jest's default
  // (cores − 1) runs a 2-core machine's files one at a time: one worker per core, and at least two.
  maxWorkers: Math.max(2, availableParallelism()),
};
