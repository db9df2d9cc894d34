#!/usr/bin/env bash
# Builds OFFLINE JSON schemas for kubeconform in .tools/schemas/ (kubeconform's standard layout:
# master-standalone[-strict]/<kind>-<group>-<version>.json), from registry sources only:
#   * Kubernetes built-in kinds: PyPI wheel kubernetes-validate==$KV_VERSION (ships JSON schemas)
#   * CRDs, from the YAML the projects ship inside their Go modules (Go module proxy, `go mod download`):
#     Istio (istio.io/api), Argo CD (Application), Argo Rollouts (Rollout, AnalysisTemplate), External Secrets
#     (ExternalSecret, SecretStore), KEDA (ScaledObject), Prometheus operator (ServiceMonitor), Gateway API
#     (HTTPRoute, Gateway). Versions: CRD_MODULES below (each must build on the local Go: GOTOOLCHAIN=local).
# Cold (empty .tools/go/mod): ~95 MB of module zips, ~10 s from the Go module proxy, + ~12 s to convert; warm
# (stamp matches): instant. In CI the .tools cache makes it the warm case.
# Use:  .tools/bin/kubeconform -strict -summary -schema-location .tools/schemas <files|dirs>
# (-kubernetes-version, if given, must be $K8S_VERSION: only that version's dirs exist)
# Idempotent: skipped when .tools/schemas/.stamp matches the pinned versions. Force: rm -rf .tools/schemas
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KV_VERSION=1.37.0          # kubernetes-validate (PyPI) -> schemas of Kubernetes v$K8S_VERSION
K8S_VERSION=1.37.0
# module@version | CRD files inside the module (globs)
CRD_MODULES=(
  "istio.io/api@v1.29.0|kubernetes/customresourcedefinitions.gen.yaml"
  "github.com/argoproj/argo-cd/v3@v3.5.7|manifests/crds/application-crd.yaml manifests/crds/appproject-crd.yaml"
  "github.com/argoproj/argo-rollouts@v1.10.1|manifests/crds/rollout-crd.yaml manifests/crds/analysis-template-crd.yaml manifests/crds/analysis-run-crd.yaml"
  "github.com/external-secrets/external-secrets@v0.16.2|config/crds/bases/external-secrets.io_*.yaml"
  "github.com/kedacore/keda/v2@v2.21.0|config/crd/bases/keda.sh_*.yaml"
  "github.com/prometheus-operator/prometheus-operator@v0.85.0|example/prometheus-operator-crd/monitoring.coreos.com_*.yaml"
  "sigs.k8s.io/gateway-api@v1.6.3|config/crd/standard/gateway.networking.k8s.io_*.yaml"
)
OUT=$ROOT/.tools/schemas
CACHE=$ROOT/.tools/cache
STAMP="kubernetes-validate==$KV_VERSION k8s=$K8S_VERSION ${CRD_MODULES[*]%%|*}"

log() { echo "[schemas] $*" >&2; }

if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ]; then
  log "up to date ($STAMP)"; exit 0
fi
mkdir -p "$CACHE"

wheel=$CACHE/kubernetes_validate-$KV_VERSION-py3-none-any.whl
if [ ! -f "$wheel" ]; then
  log "downloading kubernetes-validate==$KV_VERSION from PyPI"
  python3 -m pip download -q --no-cache-dir --no-deps --only-binary=:all: -d "$CACHE" "kubernetes-validate==$KV_VERSION"
fi

crds=()
for spec in "${CRD_MODULES[@]}"; do
  mod=${spec%%|*}
  log "fetching $mod from the Go module proxy"
  dir=$(GOPATH=$ROOT/.tools/go GOMODCACHE=$ROOT/.tools/go/mod GOFLAGS=-modcacherw GOTOOLCHAIN=local \
    go mod download -json "$mod" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error")))')
  for pattern in ${spec#*|}; do
    found=0
    for f in "$dir"/$pattern; do [ -f "$f" ] && crds+=("$f") && found=1; done
    [ "$found" = 1 ] || { echo "[schemas] ERROR: $mod has no $pattern" >&2; exit 1; }
  done
done

pyenv=()
if ! python3 -c 'import yaml' 2>/dev/null; then
  log "installing PyYAML into .tools/pylib"
  python3 -m pip install -q --target "$ROOT/.tools/pylib" pyyaml
  pyenv=(env "PYTHONPATH=$ROOT/.tools/pylib")
fi

rm -rf "$OUT.tmp"
"${pyenv[@]}" python3 "$ROOT/scripts/schemas.py" "$wheel" "$K8S_VERSION" "$OUT.tmp" "${crds[@]}"
ln -s master-standalone "$OUT.tmp/v$K8S_VERSION-standalone" # also for -kubernetes-version $K8S_VERSION
ln -s master-standalone-strict "$OUT.tmp/v$K8S_VERSION-standalone-strict"

KC=$ROOT/.tools/bin/kubeconform
if [ -x "$KC" ]; then # self-test: good Deployment/DestinationRule/ServiceMonitor pass, a typo in a CRD kind fails -strict
  good='{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"t"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}
{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"t"},"spec":{"host":"t","subsets":[{"name":"v1","labels":{"v":"1"}}]}}
{"apiVersion":"monitoring.coreos.com/v1","kind":"ServiceMonitor","metadata":{"name":"t"},"spec":{"selector":{},"endpoints":[{"port":"http"}]}}'
  echo "$good" | "$KC" -strict -schema-location "$OUT.tmp" - >/dev/null || { echo "[schemas] ERROR: self-test: valid manifests rejected" >&2; exit 1; }
  for bad in '{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"t"},"spec":{"hots":"t"}}' \
    '{"apiVersion":"monitoring.coreos.com/v1","kind":"ServiceMonitor","metadata":{"name":"t"},"spec":{"selector":{},"endpoint":[]}}'; do
    if echo "$bad" | "$KC" -strict -schema-location "$OUT.tmp" - >/dev/null; then echo "[schemas] ERROR: self-test: typo accepted: $bad" >&2; exit 1; fi
  done
  log "self-test passed (valid manifests pass, a typo fails with -strict)"
fi
echo "$STAMP" >"$OUT.tmp/.stamp"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
log "ready: kubeconform -strict -schema-location $OUT ..."
