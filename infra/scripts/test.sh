#!/usr/bin/env bash
# The README's "run every test" command (npm test). Bootstraps itself on a fresh machine: pnpm,
# dependencies, Prisma clients. jest's global setup then finds or starts PostgreSQL and Kafka
# (see packages/testing) and every test file gets its own databases and topics.
# Extra arguments go to jest, e.g. `npm test -- services/crm`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_dependencies
log "generating Prisma clients"
pnpm exec turbo run generate --output-logs=errors-only >/dev/null
mkdir -p "$ROOT/.local"
results="$ROOT/.local/jest-results.json"
rm -f "$results"
status=0
pnpm exec jest --json --outputFile="$results" "$@" || status=$?
# One plain totals line, whatever reads this output.
if [ -f "$results" ]; then
  node -e '
    const r = require(process.argv[1]);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`jest: ${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  ' "$results"
fi
exit "$status"
