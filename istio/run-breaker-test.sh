#!/usr/bin/env bash
# Trips the Istio circuit breaker in front of the inventory service and reports pass/fail, in one command
# (Istio's circuit-breaking task, aimed at Strangler). Needs kubectl, a cluster with Istio, and the chart
# installed as release `strangler` (helm install strangler charts/strangler; istio.enabled=false, so the
# breaker below is the only DestinationRule for the host).
#
#   istio/run-breaker-test.sh [-n NAMESPACE] [-s SERVICE] [-p PORT] [-c CONNECTIONS] [-N REQUESTS]
#
# 1. applies istio/destination-rule.yaml (maxConnections 1, 1 pending) and istio/fortio.yaml, waits for fortio;
# 2. creates a product through the service (POST /api/inventory/update);
# 3. runs `fortio load -c 50 -qps 0 -n 500` against GET /api/inventory/quantity from the fortio pod;
# 4. reads the fortio sidecar's `upstream_rq_pending_overflow` for the service (before/after).
# (fortio prints its results on stderr: the load's output is captured with 2>&1.)
# PASS when the overflow counter grew and some responses were not 5xx (the breaker sheds, not everything fails).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
NS=""
SVC=strangler-inventory
PORT=8082
CONNS=50
REQS=500

usage() { sed -n '2,15p' "$0"; exit 2; }
while getopts "n:s:p:c:N:h" opt; do
  case $opt in
    n) NS=$OPTARG ;;
    s) SVC=$OPTARG ;;
    p) PORT=$OPTARG ;;
    c) CONNS=$OPTARG ;;
    N) REQS=$OPTARG ;;
    *) usage ;;
  esac
done
command -v kubectl >/dev/null || { echo "kubectl not found" >&2; exit 2; }
if [ -z "$NS" ]; then NS=$(kubectl config view --minify -o jsonpath='{..namespace}'); fi
NS=${NS:-default}
k() { kubectl -n "$NS" "$@"; }
log() { echo "[breaker] $*" >&2; }

log "namespace $NS, target http://$SVC:$PORT"
if [ "$(kubectl get namespace "$NS" -o jsonpath='{.metadata.labels.istio-injection}')" != enabled ]; then
  log "WARNING: namespace $NS has no istio-injection=enabled label; the $SVC pods need sidecars:"
  log "  kubectl label namespace $NS istio-injection=enabled --overwrite && kubectl -n $NS rollout restart deployment"
fi
k get service "$SVC" >/dev/null
k apply -f "$HERE/destination-rule.yaml" -f "$HERE/fortio.yaml" >&2
k rollout status deployment/fortio-deploy --timeout=180s >&2
POD=$(k get pod -l app=fortio --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}')
k get pod "$POD" -o jsonpath='{.spec.containers[*].name}' | grep -qw istio-proxy ||
  { log "FAIL: pod $POD has no istio-proxy sidecar (is Istio installed?)"; exit 1; }

stats() { k exec "$POD" -c istio-proxy -- pilot-agent request GET stats; }
overflow() { # sum of upstream_rq_pending_overflow over the service's outbound clusters
  stats | awk -F': ' -v svc="$SVC" 'index($1, svc) && $1 ~ /upstream_rq_pending_overflow$/ {s += $2} END {print s + 0}'
}

BASE=http://$SVC:$PORT
PRODUCT=$(cat /proc/sys/kernel/random/uuid)
log "creating product $PRODUCT"
k exec "$POD" -c fortio -- fortio curl -loglevel Warning -content-type application/json \
  -payload "{\"productId\":\"$PRODUCT\",\"quantity\":100}" "$BASE/api/inventory/update" >/dev/null

before=$(overflow)
log "fortio load -c $CONNS -qps 0 -n $REQS (overflow before: $before)"
out=$(k exec "$POD" -c fortio -- fortio load -c "$CONNS" -qps 0 -n "$REQS" -loglevel Warning \
  -allow-initial-errors "$BASE/api/inventory/quantity?productId=$PRODUCT" 2>&1)
after=$(overflow)
echo "$out" | grep -E '^(Code|All done|Sockets used)' >&2 || true
stats | grep "$SVC" | grep pending >&2 || true

# fortio prints "Code 200 : 262 (52.4 %)"; non-5xx = HTTP codes 1..499
ok=$(echo "$out" | awk '$1=="Code" && $2>0 && $2<500 {s += $4} END {print s + 0}')
bad=$(echo "$out" | awk '$1=="Code" && ($2>=500 || $2<=0) {s += $4} END {print s + 0}')
tripped=$((after - before))

echo "---- circuit breaker summary ($SVC, -c $CONNS -n $REQS) ----"
echo "non-5xx responses:            $ok"
echo "5xx/failed responses:         $bad"
echo "upstream_rq_pending_overflow: +$tripped (now $after)"
if [ "$tripped" -gt 0 ] && [ "$ok" -gt 0 ]; then
  echo "PASS: the breaker shed $tripped requests and let $ok through"
else
  echo "FAIL: expected overflow > 0 and some non-5xx responses"
  exit 1
fi
