#!/usr/bin/env bash
# The README's "run the platform" command (npm run platform). Bootstraps itself on a fresh machine:
# pnpm, dependencies, Prisma clients; then infra/scripts/platform.ts starts everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_dependencies
if [ "${1:-up}" != "stop" ] && [ "${1:-up}" != "status" ] && [ "${1:-up}" != "provision" ]; then
  log "generating Prisma clients"
  pnpm exec turbo run generate --output-logs=errors-only >/dev/null
fi
exec pnpm exec tsx infra/scripts/platform.ts "$@"
