#!/usr/bin/env bash
# The performance figures (`npm run bench`): the whole platform through the gateway and directly
# (requests/s, p50/p99, SQL statements per request, idle cost), then the outbox's commit → consumer
# latency, and the edge cost of a credential (JWT against API key). Prints numbers, asserts none; uses
# the same isolated infrastructure as a test run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_dependencies
pnpm exec turbo run generate --output-logs=errors-only >/dev/null
pnpm --filter @platform/gateway bench:platform "$@"
pnpm --filter @platform/gateway bench:credentials
pnpm --filter @platform/gateway bench:audit
pnpm --filter @platform/gateway bench:rate-limits
pnpm --filter @platform/gateway bench:contacts
pnpm --filter @platform/gateway bench:inbox
pnpm --filter @platform/events bench:latency
