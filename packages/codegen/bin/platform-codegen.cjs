#!/usr/bin/env node
// Runs the TypeScript source through tsx (internal packages ship source, not builds).
require('tsx/cjs');
require('../src/main.ts');
