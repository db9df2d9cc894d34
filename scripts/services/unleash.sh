#!/usr/bin/env bash
# Local Unleash server (unleash-server 7.5.1 from npm) for Strangler dev/tests.
#
#   scripts/services/unleash.sh install|start|stop|restart|status|env|reset
#
# Uses the PostgreSQL of scripts/services/postgres.sh (database `unleash`, user strangler),
# listens on 127.0.0.1:4242, logs to .run/unleash/unleash.log, pid in .run/unleash/unleash.pid.
# API tokens are seeded by Unleash on first start (empty api_tokens table):
#   UNLEASH_URL=http://127.0.0.1:4242/api
#   UNLEASH_API_TOKEN=default:development.strangler-backend-token   (backend/client token: /api/client/*)
#   UNLEASH_ADMIN_TOKEN=*:*.strangler-admin-token                   (admin token: /api/admin/*)
# `env` prints these as export lines; scripts/services/env.sh exports them too.
# Admin API recipes (create flag, set rollout %): scripts/services/unleash/ADMIN-API.md
# `reset` stops the server and recreates the `unleash` database (all flags and tokens lost).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
APP_DIR=$ROOT/scripts/services/unleash
RUN_DIR=$ROOT/.run/unleash
PID_FILE=$RUN_DIR/unleash.pid
LOG=$RUN_DIR/unleash.log
PORT=4242
BASE=http://127.0.0.1:$PORT
UNLEASH_URL=$BASE/api
UNLEASH_API_TOKEN='default:development.strangler-backend-token'
UNLEASH_ADMIN_TOKEN='*:*.strangler-admin-token'
VERSION=7.5.1

log() { echo "[unleash] $*" >&2; }
die() { echo "[unleash] ERROR: $*" >&2; exit 1; }

install() {
  local have
  have=$(node -p "require('$APP_DIR/node_modules/unleash-server/package.json').version" 2>/dev/null || true)
  if [ "$have" = "$VERSION" ]; then return 0; fi
  log "installing unleash-server@$VERSION (npm ci in scripts/services/unleash)"
  (cd "$APP_DIR" && npm ci --no-audit --no-fund --loglevel=error --cache "$ROOT/.tools/npm-cache")
}

# shellcheck source=scripts/services/lib.sh
. "$ROOT/scripts/services/lib.sh"
healthy() { curl -fsS -m 2 -o /dev/null "$BASE/health" 2>/dev/null; }
http_code() { curl -sS -m 5 -o /dev/null -w '%{http_code}' "$@" 2>/dev/null || true; }

verify_tokens() {
  local a b
  a=$(http_code -H "Authorization: $UNLEASH_ADMIN_TOKEN" "$UNLEASH_URL/admin/projects")
  b=$(http_code -H "Authorization: $UNLEASH_API_TOKEN" "$UNLEASH_URL/client/features")
  [ "$a" = 200 ] || die "admin token rejected: GET /api/admin/projects -> $a (stale 'unleash' db? try: $0 reset)"
  [ "$b" = 200 ] || die "backend token rejected: GET /api/client/features -> $b (stale 'unleash' db? try: $0 reset)"
}

start() {
  install
  "$ROOT/scripts/services/postgres.sh" start
  mkdir -p "$RUN_DIR"
  if pid >/dev/null; then
    log "already running (pid $(pid))"
  else
    if healthy; then die "port $PORT is served by a process not started by this script"; fi
    log "starting on $BASE (log: ${LOG#"$ROOT"/})"
    (cd "$APP_DIR" && exec env \
      UNLEASH_DATABASE_URL="postgres://strangler:strangler@127.0.0.1:5432/unleash" \
      UNLEASH_HOST=127.0.0.1 UNLEASH_PORT="$PORT" UNLEASH_URL="$BASE" \
      INIT_ADMIN_API_TOKENS="$UNLEASH_ADMIN_TOKEN" INIT_BACKEND_API_TOKENS="$UNLEASH_API_TOKEN" \
      CHECK_VERSION=false SEND_TELEMETRY=false SCARF_ANALYTICS=false DO_NOT_TRACK=1 \
      NODE_ENV=production LOG_LEVEL="${LOG_LEVEL:-warn}" \
      setsid node server.mjs </dev/null >>"$LOG" 2>&1) &
    echo $! >"$PID_FILE"
  fi
  for _ in $(seq 1 450); do # <= 90 s
    healthy && break
    pid >/dev/null || { tail -30 "$LOG" >&2; die "server exited during startup"; }
    sleep 0.2
  done
  healthy || { tail -30 "$LOG" >&2; die "no healthy /health after 90s"; }
  verify_tokens
  log "ready: UNLEASH_URL=$UNLEASH_URL (admin + backend tokens verified)"
}

stop() {
  stop_pid 5 || return 0
}

status() {
  if pid >/dev/null && healthy; then log "running (pid $(pid)): $UNLEASH_URL"
  elif pid >/dev/null; then log "process $(pid) alive but /health not OK"; return 1
  else log "not running"; return 3; fi
}

reset() {
  stop
  "$ROOT/scripts/services/postgres.sh" start
  log "recreating database 'unleash'"
  psql -q -v ON_ERROR_STOP=1 "postgresql://strangler:strangler@127.0.0.1:5432/postgres" \
    -c "DROP DATABASE IF EXISTS unleash WITH (FORCE)" -c "CREATE DATABASE unleash OWNER strangler"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  reset) reset ;;
  env) printf "export UNLEASH_URL=%q\nexport UNLEASH_API_TOKEN=%q\nexport UNLEASH_ADMIN_TOKEN=%q\n" \
         "$UNLEASH_URL" "$UNLEASH_API_TOKEN" "$UNLEASH_ADMIN_TOKEN" ;;
  *) echo "usage: $0 install|start|stop|restart|status|env|reset" >&2; exit 2 ;;
esac
