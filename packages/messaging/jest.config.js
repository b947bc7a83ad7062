// testTimeout: these tests talk to a real broker (the root jest.config.js sets the same for the whole run).
module.exports = require('../../jest.base.js')(__dirname, { testTimeout: 60_000 });
