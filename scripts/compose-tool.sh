#!/usr/bin/env bash
# Installs the Docker Compose v2 CLI (pinned) so `docker compose config` works here without a Docker engine.
#
#   bash scripts/compose-tool.sh            # idempotent; prints the binary's path
#
# Result: .tools/bin/docker-compose and the CLI plugin .tools/docker/cli-plugins/docker-compose, so both work:
#   .tools/bin/docker-compose config
#   DOCKER_CONFIG=.tools/docker docker compose config
# Built from source via the Go module proxy. `go install …/cmd@version` refuses this module (its go.mod has
# `exclude` directives), so the pinned module is downloaded and built as the main module instead.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSION=v2.40.3
MODULE=github.com/docker/compose/v2
BIN=$ROOT/.tools/bin/docker-compose
PLUGIN=$ROOT/.tools/docker/cli-plugins/docker-compose

log() { echo "[compose-tool] $*" >&2; }
die() { echo "[compose-tool] ERROR: $*" >&2; exit 1; }

installed() { [ -x "$BIN" ] && [ "$("$BIN" version --short 2>/dev/null)" = "${VERSION#v}" ]; }

if ! installed; then
  command -v go >/dev/null || die "go not found (needed to build docker compose $VERSION)"
  log "building docker compose $VERSION from $MODULE (takes ~3 min)"
  src=$(go mod download -json "$MODULE@$VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})')
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" && rm -rf "$work"' EXIT
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  mkdir -p "$(dirname "$BIN")"
  (cd "$work" && go build -trimpath -ldflags "-s -w -X $MODULE/internal.Version=$VERSION" -o "$BIN" ./cmd)
  installed || die "built $BIN but \`docker-compose version --short\` is not ${VERSION#v}"
fi
mkdir -p "$(dirname "$PLUGIN")"
cmp -s "$BIN" "$PLUGIN" 2>/dev/null || cp "$BIN" "$PLUGIN"
echo "$BIN"
