// GraphQL Code Generator's plugins load auto-bind, which ships only as an ES module: let the
// transform turn it into CommonJS like our own sources (jest runs CommonJS).
module.exports = require('../../jest.base.js')(__dirname, {
  transformIgnorePatterns: ['node_modules/(?!\\.pnpm/auto-bind@|auto-bind/)'],
});
