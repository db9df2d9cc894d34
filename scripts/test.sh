#!/usr/bin/env bash
# The test command (README): `npm test`. Starts what it needs (idempotent), then runs every suite:
# boundaries + types, unit + component tests on real PostgreSQL AND on the embedded PostgreSQL, events on a real Kafka
# broker, the proxy against a real Unleash server, deploy manifests, and end-to-end runs of the real processes.
# Prints one closing line: "N passed, N failed". Pass suite names to run only some: `npm test -- component`.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mkdir -p reports
# Machines that cannot download Prisma's native schema engine (see DEVELOPERS.md) point the CLI at a stand-in.
# shellcheck source=/dev/null
[ -f ../shared/prisma-offline/env.sh ] && . ../shared/prisma-offline/env.sh
export NODE_OPTIONS="${NODE_OPTIONS:-} --no-warnings=ExperimentalWarning"
# The supported runtime (package.json "engines"): scripts/node.sh installs it into .tools/node.
[ -x .tools/node/bin/node ] && export PATH="$ROOT/.tools/node/bin:$PATH"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) === 24 ? 0 : 1)' ||
  { echo "npm test needs Node.js 24 (found $(node -v)): run scripts/node.sh, or install Node 24 LTS" >&2; exit 1; }
PASSED=0 FAILED=0 BROKEN=()
ONLY=" $* "

log() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
want() { [ "$ONLY" = "  " ] || [[ "$ONLY" == *" $1 "* ]]; }

# Runs node's test runner on FILES with ENV; adds its pass/fail counts to the totals.
suite() { # suite NAME "ENV=..." files...
  local name=$1 env=$2; shift 2
  want "$name" || return 0
  log "suite $name"
  local out="reports/$name.log"
  env $env node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -E '^ℹ pass [0-9]+' "$out" | tail -1 | awk '{print $3}')
  f=$(grep -E '^ℹ fail [0-9]+' "$out" | tail -1 | awk '{print $3}')
  PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then FAILED=$((FAILED + 1)); fi
  [ "$rc" -eq 0 ] || BROKEN+=("$name")
}

step() { # step NAME command...: a check that is not a node test file (counts as one test)
  local name=$1; shift
  want "$name" || return 0
  log "check $name"
  if "$@"; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); BROKEN+=("$name"); fi
}

# --- services and a migrated template database for the component tests ---
scripts/services/postgres.sh start || exit 1
PG_ADMIN=postgresql://strangler:strangler@127.0.0.1:5432/postgres
prepare_template() {
  psql -q "$PG_ADMIN" -c 'DROP DATABASE IF EXISTS strangler_template' -c 'CREATE DATABASE strangler_template' &&
    DATABASE_URL=postgresql://strangler:strangler@127.0.0.1:5432/strangler_template npx --no-install prisma migrate deploy
}
step migrations prepare_template
step build npm run --silent build
step typecheck npx --no-install tsc -p tsconfig.json --noEmit
step boundaries npx --no-install depcruise src proxy --config .dependency-cruiser.cjs

UNIT=$(find src proxy -name '*.unit.test.ts' -not -path '*/node_modules/*' | sort)
COMPONENT=$(find src tests/api -name '*.component.test.ts' -o -name '*.contract.test.ts' | grep -v node_modules | sort)
suite unit "TEST_DB=postgres" $UNIT
suite component "TEST_DB=postgres" $COMPONENT
suite component-embedded "TEST_DB=embedded" $COMPONENT
want events && { scripts/services/kafka.sh start || exit 1; }
suite events "TEST_DB=postgres" $(find tests/events -name '*.it.test.ts' | sort)
want proxy && { scripts/services/unleash.sh start || exit 1; }
suite proxy "" $(find proxy/test -name '*.it.test.ts' | sort)
# The shipped artefacts against the real stack: Postman collection with newman, fortio against the overload limit.
want stack && { scripts/services/all.sh start || exit 1; }
suite stack "" $(find tests/stack -name '*.stack.test.ts' | sort)
# Resilience (issue 6): broker/PostgreSQL/Unleash outages, killed service, oversell, fuzzed input, auth.
want faults && { scripts/services/all.sh start || exit 1; }
suite faults "" $(find tests/faults -name '*.faults.test.ts' | sort)
# Schemathesis (all checks, stateful phase) on the generated OpenAPI document: the monolith on PostgreSQL, then the
# proxy with every route flag at 50 % (scripts/schemathesis.sh installs it into .tools/schemathesis once).
want contract-fuzz && { scripts/services/unleash.sh start && bash scripts/schemathesis.sh || exit 1; }
suite contract-fuzz "" $(find tests/contract-fuzz -name '*.fuzz.test.ts' | sort)
suite e2e "TEST_DB=postgres" $(find tests/e2e -name '*.test.ts' 2>/dev/null | sort)
suite deploy "" $(find tests/deploy -name '*.test.ts' | sort)
# The image's build script, then its ENTRYPOINT/CMD/ENV started natively (no Docker engine here).
step image bash scripts/smoke-image.sh
# The benchmark harness in its short mode (figures go to .run/bench/results, not the committed ones).
step bench-smoke node --import tsx bench/run.ts --smoke

echo
[ ${#BROKEN[@]} -eq 0 ] || echo "failing: ${BROKEN[*]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ ${#BROKEN[@]} -eq 0 ]
