#!/usr/bin/env bash
# Production build of Strangler, used by the Dockerfile's build stage and natively by CI
# (scripts/smoke-image.sh), so a broken step fails here before any image is built.
#
#   bash scripts/build.sh [OUT_DIR]        (default OUT_DIR: .build/app)
#
# 1. npm ci (postinstall: prisma generate), 2. npm run build (tsc -> dist/),
# 3. stages the runtime files into OUT_DIR and runs `npm prune --omit=dev` there,
#    so the working tree keeps its dev dependencies.
# OUT_DIR is exactly what the image's runtime stage copies to /app.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-.build/app}

log() { echo "[build] $*" >&2; }
die() { echo "[build] ERROR: $*" >&2; exit 1; }

# The runtime needs these, nothing else (see Dockerfile).
RUNTIME_FILES=(bin dist prisma prisma.config.ts package.json package-lock.json proxy/routes.yaml scripts/healthcheck.mjs)

log "npm ci"
npm ci --no-audit --no-fund --loglevel=error
log "npm run build"
npm run --silent build

for f in "${RUNTIME_FILES[@]}"; do [ -e "$f" ] || die "missing runtime file: $f"; done
[ -f dist/src/cli/main.js ] || die "dist/src/cli/main.js not built (bin/strangler.js imports it)"

log "staging runtime files into $OUT"
rm -rf "$OUT"
mkdir -p "$OUT"
for f in "${RUNTIME_FILES[@]}"; do
  mkdir -p "$OUT/$(dirname "$f")"
  cp -a "$f" "$OUT/$f"
done
cp -a node_modules "$OUT/node_modules"

log "npm prune --omit=dev (in $OUT)"
(cd "$OUT" && npm prune --omit=dev --no-audit --no-fund --loglevel=error)
# `strangler migrate` runs `prisma migrate deploy`: the CLI must survive the prune.
[ -f "$OUT/node_modules/prisma/package.json" ] ||
  die "prisma CLI was pruned: it must be in package.json \"dependencies\" (the migrate role needs it at runtime)"
log "done: $(du -sh "$OUT" | cut -f1) in $OUT"
