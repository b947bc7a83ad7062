#!/usr/bin/env bash
# Shared helpers for the infrastructure scripts. Source it; do not run it.
# Every script here must work on a fresh machine that has only Node 20 and npm.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="$ROOT/.local"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# No outbound calls nobody configured: turbo and Prisma phone home unless told not to.
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 CHECKPOINT_DISABLE=1

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The pnpm version pinned in package.json's packageManager field.
pinned_pnpm_version() {
  node -e 'const pm = require(process.argv[1]).packageManager; process.stdout.write(pm.split("@")[1].split("+")[0])' \
    "$ROOT/package.json"
}

# Puts the pinned pnpm on PATH. Uses one already installed if its version matches; otherwise installs
# it with npm into .local/tools (npm checks the package's integrity; corepack's signature check fails
# against the registry metadata on some machines, measured with corepack 0.34.6).
ensure_pnpm() {
  local want have
  want="$(pinned_pnpm_version)"
  have="$(pnpm --version 2>/dev/null || true)"
  if [ "$have" = "$want" ]; then return 0; fi
  if [ ! -x "$LOCAL_DIR/tools/node_modules/.bin/pnpm" ] ||
    [ "$("$LOCAL_DIR/tools/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$want" ]; then
    log "installing pnpm $want into .local/tools"
    mkdir -p "$LOCAL_DIR/tools"
    npm install --silent --no-fund --no-audit --prefix "$LOCAL_DIR/tools" "pnpm@$want" >/dev/null ||
      die "could not install pnpm $want with npm"
  fi
  export PATH="$LOCAL_DIR/tools/node_modules/.bin:$PATH"
}

# Installs the workspace's dependencies exactly as locked (skips the work when nothing changed).
ensure_dependencies() {
  ensure_pnpm
  local stamp="$ROOT/node_modules/.install-stamp" lock_sum
  lock_sum="$(cat "$ROOT/pnpm-lock.yaml" "$ROOT"/package.json "$ROOT"/*/package.json "$ROOT"/*/*/package.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ]; then return 0; fi
  log "installing dependencies (pnpm install --frozen-lockfile)"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only) || die "pnpm install failed"
  echo "$lock_sum" >"$stamp"
}
