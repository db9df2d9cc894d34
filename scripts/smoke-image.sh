#!/usr/bin/env bash
# CI stand-in for `docker build . && docker run -p 8000:8000 <image>` on a machine without a Docker engine.
#
#   bash scripts/smoke-image.sh [--app DIR]
#
# 1. copies the build context (minus .dockerignore) to a temp dir and runs the image's build step there
#    (`bash scripts/build.sh OUT`, as the Dockerfile's build stage does) -- or uses DIR, a finished build;
# 2. starts OUT exactly as the image would: ENTRYPOINT + CMD + ENV are read from the Dockerfile's final
#    stage (one source, no drift), in a clean environment, with DATA_DIR=<tmp> and HOST=127.0.0.1;
# 3. waits for GET http://127.0.0.1:8000/health (bounded), checks that GET /api/users through the proxy
#    answers 2xx with an X-Upstream header, then sends SIGTERM and requires exit code 0.
# Needs ports 8000, 8080, 8081, 8082, 8083 free (the `all` role). Logs: reports/smoke-image/app.log.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
APP=""
if [ "${1:-}" = "--app" ]; then APP=$(cd "${2:?--app needs a directory}" && pwd); fi
WORK=$(mktemp -d)
REPORT=$ROOT/reports/smoke-image
LOG=$REPORT/app.log
PID=""
mkdir -p "$REPORT"

log() { echo "[smoke-image] $*" >&2; }
die() { echo "[smoke-image] FAIL: $*" >&2; [ -f "$LOG" ] && tail -n 40 "$LOG" >&2; exit 1; }
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- 1. the image definition, from the Dockerfile's final stage -------------------------------------
mapfile -t ENTRYPOINT < <(node scripts/dockerfile-runtime.mjs entrypoint)
mapfile -t CMD < <(node scripts/dockerfile-runtime.mjs cmd)
mapfile -t IMAGE_ENV < <(node scripts/dockerfile-runtime.mjs env)
[ "${#ENTRYPOINT[@]}" -gt 0 ] || die "no ENTRYPOINT in Dockerfile"
log "image runs: ${ENTRYPOINT[*]} ${CMD[*]}  (ENV ${IMAGE_ENV[*]})"

# --- 2. build, as the Dockerfile's build stage does ---------------------------------------------------
if [ -z "$APP" ]; then
  mkdir -p "$WORK/ctx"
  excludes=()
  while IFS= read -r pat; do excludes+=("--exclude=./$pat"); done < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' .dockerignore)
  tar -C "$ROOT" --anchored "${excludes[@]}" -cf - . | tar -C "$WORK/ctx" -xf -
  log "building (bash scripts/build.sh) in a copy of the build context"
  bash "$WORK/ctx/scripts/build.sh" "$WORK/app" >&2
  APP=$WORK/app
fi

# --- 3. run it the way the container does -------------------------------------------------------------
for port in 8000 9000 8080 8081 8082 8083; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is already in use"; fi
done
mkdir -p "$WORK/data" "$WORK/home"
# As root, the embedded PostgreSQL runs as an unprivileged user, who must be able to enter DATA_DIR (mktemp: 0700).
chmod 755 "$WORK"
(
  cd "$APP"
  exec env -i PATH="$PATH" HOME="$WORK/home" "${IMAGE_ENV[@]}" DATA_DIR="$WORK/data" HOST=127.0.0.1 \
    "${ENTRYPOINT[@]}" "${CMD[@]}"
) >"$LOG" 2>&1 &
PID=$!
log "started pid $PID (log: ${LOG#"$ROOT"/})"

healthy=""
for _ in $(seq 1 300); do # <= 60 s
  kill -0 "$PID" 2>/dev/null || die "the process exited before it became healthy"
  if curl -fsS -m 2 -o /dev/null http://127.0.0.1:8000/health 2>/dev/null; then healthy=1; break; fi
  sleep 0.2
done
[ -n "$healthy" ] || die "GET /health did not answer 200 within 60 s"
log "GET /health: 200"

code=$(curl -sS -m 10 -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' http://127.0.0.1:8000/api/users) ||
  die "GET /api/users failed"
upstream=$(tr -d '\r' <"$WORK/headers" | awk -F': *' 'tolower($1)=="x-upstream" {print $2}')
[ "${code:0:1}" = 2 ] || die "GET /api/users answered $code: $(head -c 300 "$WORK/body")"
[ -n "$upstream" ] || die "GET /api/users has no X-Upstream header"
log "GET /api/users: $code, X-Upstream: $upstream"

kill -TERM "$PID"
for _ in $(seq 1 150); do kill -0 "$PID" 2>/dev/null || break; sleep 0.2; done # <= 30 s
if kill -0 "$PID" 2>/dev/null; then die "still running 30 s after SIGTERM"; fi
rc=0
wait "$PID" || rc=$?
PID=""
[ "$rc" -eq 0 ] || die "exit code $rc after SIGTERM (want 0)"
log "PASS: healthy, proxied /api/users via $upstream, exited 0 on SIGTERM"
