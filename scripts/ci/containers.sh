#!/usr/bin/env bash
# The container story on a real Docker engine, as a user runs it (CI stage of .ci/run):
#   1. `docker build` of the stock Dockerfile; prints the image size and fails above 250 MB;
#   2. the README's `docker run` line (on a free port if 8000 is taken), the README's curl flow through the
#      container's proxy, `flags set inventory 50` via `docker exec` and a check that X-Upstream changes;
#   3. `docker stop` exits 0 within SHUTDOWN_TIMEOUT_MS; a restart on the same volume keeps the data;
#   4. a second container on the same volume is refused (non-zero, names /data) and the first is untouched;
#   5. `docker compose up -d --build --wait` with the stock compose file, newman through its proxy, `down -v`.
# Off a registry, ../shared/docker-offline provides the engine and stand-ins for the official base images.
#
#   bash scripts/ci/containers.sh          (root; needs the compose plugin: scripts/compose-tool.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
IMAGE=strangler
MAX_IMAGE_MB=250
SHUTDOWN_TIMEOUT_MS=10000 # the image's default (src/platform/config/config.ts)
RUN_ID=ci-$$
VOLUME=strangler-data-$RUN_ID
C1=strangler-$RUN_ID
export DOCKER_CONFIG=$ROOT/.tools/docker

log() { printf '[containers] %s\n' "$*" >&2; }
die() { printf '[containers] FAIL: %s\n' "$*" >&2; exit 1; }
t0=$SECONDS
mkdir -p reports
cleanup() {
  docker rm -f "$C1" "$C1-second" >/dev/null 2>&1 || true
  docker volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  docker compose -p strangler-ci down -v --remove-orphans >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ -d ../shared/docker-offline ]; then
  bash ../shared/docker-offline/start-dockerd.sh
  bash ../shared/docker-offline/base-images.sh compose
fi

free_port() { # first free TCP port on 127.0.0.1 from $1 up
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
wait_healthy() { # container: the image's HEALTHCHECK says healthy (bounded)
  for _ in $(seq 1 90); do
    case $(docker inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null) in
      healthy) return 0 ;;
      unhealthy) break ;;
    esac
    docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null | grep -q true || break
    sleep 1
  done
  docker logs --tail 40 "$1" >&2 || true
  die "container $1 did not become healthy"
}
json() { node -pe "const v = JSON.parse(require('fs').readFileSync(0, 'utf8')); $1"; }

# --- 1. build ---------------------------------------------------------------------------------------------------
log "docker build -t $IMAGE ."
docker build -q -t "$IMAGE" . >/dev/null
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
mb=$((size / 1000 / 1000))
log "image $IMAGE: $mb MB (limit $MAX_IMAGE_MB MB)"
[ "$mb" -le "$MAX_IMAGE_MB" ] || die "image is $mb MB, over $MAX_IMAGE_MB MB"

# --- 2. the README's docker run line, its curl flow, a flag change ---------------------------------------------
readme_run=$(grep -o 'docker run -p 8000:8000 -v strangler-data:/data strangler' README.md | head -1)
[ -n "$readme_run" ] || die "README.md has no 'docker run -p 8000:8000 -v strangler-data:/data strangler' line"
PORT=$(free_port 8000)
# The README's line verbatim, with -d/--name added and the host port and volume name made unique for this run.
run_line=${readme_run/docker run/docker run -d --name $C1}
run_line=${run_line/-p 8000:8000/-p $PORT:8000}
# The proxy's admin port (status page, /_strangler/status, /metrics) is not in the README line: this host only.
ADMIN=$(free_port 9000)
run_line=${run_line/-p $PORT:8000/-p $PORT:8000 -p 127.0.0.1:$ADMIN:9000}
run_line=${run_line/strangler-data:/$VOLUME:}
log "$run_line"
$run_line >/dev/null
wait_healthy "$C1"
B=http://127.0.0.1:$PORT
A=http://127.0.0.1:$ADMIN
# Quiet defaults: the `all` role runs every service its proxy routes to, so after one health poll every
# upstream is healthy and no breaker opened.
sleep 3
code=$(curl -sS -o /dev/null -w '%{http_code}' "$B/_strangler/status")
[ "$code" = 404 ] || die "the public port answers /_strangler/status with $code, expected 404 (admin port only)"
sick=$(curl -fsS "$A/_strangler/status" | json 'v.upstreams.filter((u) => u.healthy !== true).map((u) => u.name).join(" ")')
[ -z "$sick" ] || die "the all role's proxy sees upstreams that are not healthy: $sick"
! docker logs "$C1" 2>&1 | grep -q 'breaker open' || die "the all role logged 'breaker open' on a quiet start"

# The README's curl flow, extracted from the README (so the two cannot drift), through the container's proxy;
# `node bin/strangler.js` is the container's CLI (docker exec).
flow=$(awk '/^### The curl flow/{f=1} f && /^```bash/{c=1; next} c && /^```/{exit} c' README.md)
[ -n "$flow" ] || die "README.md has no curl flow block"
flow=${flow//B=http:\/\/127.0.0.1:8000/B=$B}
flow=${flow//node bin\/strangler.js/docker exec $C1 node bin/strangler.js}
out=$(bash -euo pipefail -c "$flow"$'\nprintf "\\nORDER=%s P=%s\\n" "$ORDER" "$P"') || die "the README's curl flow failed"
ORDER=$(sed -n 's/^ORDER=\([^ ]*\) P=.*/\1/p' <<<"$out")
P=$(sed -n 's/.* P=\(.*\)$/\1/p' <<<"$out")
[ -n "$ORDER" ] || die "curl flow placed no order"
status=$(curl -fsS "$B/api/orders/$ORDER" | json 'v.status + "/" + v.stockStatus')
[ "$status" = "Delivered/Reserved" ] || die "order $ORDER is $status after the curl flow, expected Delivered/Reserved"
qty=$(curl -fsS "$B/api/inventory/quantity?productId=$P" | json v.quantity)
[ "$qty" = 8 ] || die "stock of $P is $qty after the curl flow, expected 8"
log "curl flow: order $ORDER Delivered, stock reserved (quantity 8)"

upstreams() { # distinct X-Upstream values for /api/inventory over 40 new visitors (no session cookie: each one is new)
  for _ in $(seq 1 40); do
    curl -fsS -o /dev/null -D - "$B/api/inventory/quantity?productId=$P" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-upstream"{print $2}'
  done | sort -u | tr '\n' ' '
}
before=$(upstreams)
[ "$before" = "monolith " ] || die "before any flag change /api/inventory went to: $before"
docker exec "$C1" node bin/strangler.js flags set inventory 50 >/dev/null
after=""
for _ in $(seq 1 20); do
  after=$(upstreams)
  [ "$after" = "inventory monolith " ] && break
  sleep 0.5
done
[ "$after" = "inventory monolith " ] || die "after 'flags set inventory 50' /api/inventory went to: $after (expected inventory and monolith)"
log "flags set inventory 50: X-Upstream $before-> $after"

# --- 3. graceful stop, restart with the data --------------------------------------------------------------------
start_ms=$(date +%s%3N)
docker stop -t 30 "$C1" >/dev/null
stop_ms=$(($(date +%s%3N) - start_ms))
code=$(docker inspect -f '{{.State.ExitCode}}' "$C1")
[ "$code" = 0 ] || { docker logs --tail 20 "$C1" >&2; die "docker stop: exit code $code, expected 0"; }
[ "$stop_ms" -le "$SHUTDOWN_TIMEOUT_MS" ] || die "docker stop took $stop_ms ms, over SHUTDOWN_TIMEOUT_MS ($SHUTDOWN_TIMEOUT_MS ms)"
log "docker stop: exit 0 in $stop_ms ms"
docker start "$C1" >/dev/null
wait_healthy "$C1"
status=$(curl -fsS "$B/api/orders/$ORDER" | json v.status)
[ "$status" = Delivered ] || die "after a restart on the same volume order $ORDER is '$status'"
log "restart on volume $VOLUME: order $ORDER still there"

# --- 4. one data dir, one process -------------------------------------------------------------------------------
set +e
second=$(timeout 60 docker run --name "$C1-second" -v "$VOLUME:/data" "$IMAGE" 2>&1)
second_code=$?
set -e
[ "$second_code" -ne 0 ] || die "a second container on volume $VOLUME started (it must be refused)"
grep -q 'data dir /data is in use' <<<"$second" || { echo "$second" | tail -5 >&2; die "the second container's error does not name the data dir"; }
curl -fsS "$B/api/orders/$ORDER" >/dev/null || die "the first container stopped answering after the second was refused"
docker inspect -f '{{.State.Running}}' "$C1" | grep -q true || die "the first container is not running any more"
log "second container on $VOLUME refused (exit $second_code): $(grep -o 'data dir /data is in use[^;]*' <<<"$second" | head -1)"
docker rm -f "$C1" "$C1-second" >/dev/null

# --- 5. the compose stack and newman through it -----------------------------------------------------------------
compose=(docker compose -p strangler-ci -f docker-compose.yml)
override=""
for p in 8000 9000 4242 29092; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then override=1; fi
done
if [ -n "$override" ]; then # only where a port is taken: the same services, published on free ports
  PROXY_PORT=$(free_port 18000)
  PROXY_ADMIN_PORT=$(free_port 19000)
  mkdir -p .run
  cat >.run/compose.ports.yml <<EOF
services:
  proxy: { ports: !override ["$PROXY_PORT:8000", "127.0.0.1:$PROXY_ADMIN_PORT:9000"] }
  unleash: { ports: !override ["$(free_port 14242):4242"] }
  kafka: { ports: !override ["$(free_port 39092):29092"] }
EOF
  compose+=(-f .run/compose.ports.yml)
else
  PROXY_PORT=8000
  PROXY_ADMIN_PORT=9000
fi
log "${compose[*]} up -d --build --wait"
"${compose[@]}" up -d --build --wait --wait-timeout 300 || { "${compose[@]}" ps -a >&2; "${compose[@]}" logs --tail 30 >&2; die "compose stack did not come up healthy"; }
BASE_URL=http://127.0.0.1:$PROXY_PORT ADMIN_URL=http://127.0.0.1:$PROXY_ADMIN_PORT ENV_FILE=tests/postman/env.docker.json bash scripts/ci/newman.sh >reports/newman-compose.log 2>&1 ||
  { tail -40 reports/newman-compose.log >&2; die "newman through the compose proxy failed (reports/newman-compose.log)"; }
log "newman through the compose proxy: passed ($(grep -c 'newman: ' reports/newman-compose.log) runs)"
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1
log "containers: all checks passed in $((SECONDS - t0)) s"
