#!/usr/bin/env bash
# Runs the Postman collection with newman against a running stack: each folder alone (proves no folder
# depends on another), then the whole collection. JUnit reports: reports/newman/<folder>.xml, all.xml.
#
#   BASE_URL=http://127.0.0.1:8000 ADMIN_URL=http://127.0.0.1:9000 JWT_SECRET=<the app's JWT_SECRET> bash scripts/ci/newman.sh
#
# ENV_FILE (default tests/postman/env.local.json) supplies defaults; BASE_URL / ADMIN_URL (the proxy's admin
# port) / JWT_SECRET override them.
# Exits non-zero when any run fails; every run is attempted.
set -euo pipefail
cd "$(dirname "$0")/../.."
COLLECTION=tests/postman/strangler.postman_collection.json
ENV_FILE=${ENV_FILE:-tests/postman/env.local.json}
OUT=reports/newman
FOLDERS=(Health Users Inventory Orders Proxy)

node tests/postman/build-collection.mjs --check
args=(-e "$ENV_FILE" --reporters "cli,junit" --timeout-request 15000 --color off)
if [ -n "${BASE_URL:-}" ]; then args+=(--env-var "baseUrl=$BASE_URL"); fi
if [ -n "${ADMIN_URL:-}" ]; then args+=(--env-var "adminUrl=$ADMIN_URL"); fi
if [ -n "${JWT_SECRET:-}" ]; then args+=(--env-var "jwtSecret=$JWT_SECRET"); fi
mkdir -p "$OUT"

failed=()
newman_run() { # name, extra args...
  local name=$1; shift
  echo "==== newman: $name ===="
  npx --no-install newman run "$COLLECTION" "${args[@]}" --reporter-junit-export "$OUT/$name.xml" "$@" || failed+=("$name")
}
for f in "${FOLDERS[@]}"; do newman_run "$(echo "$f" | tr '[:upper:]' '[:lower:]')" --folder "$f"; done
newman_run all

if [ "${#failed[@]}" -gt 0 ]; then
  echo "newman: FAILED runs: ${failed[*]} (JUnit in $OUT/)" >&2
  exit 1
fi
echo "newman: all $(( ${#FOLDERS[@]} + 1 )) runs passed (JUnit in $OUT/)"
