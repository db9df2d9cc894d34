#!/usr/bin/env bash
# Builds OFFLINE JSON schemas for kubeconform in .tools/schemas/ (kubeconform's standard layout:
# master-standalone[-strict]/<kind>-<group>-<version>.json), from registry sources only:
#   * Kubernetes built-in kinds: PyPI wheel kubernetes-validate==$KV_VERSION (ships JSON schemas)
#   * Istio CRDs (DestinationRule, VirtualService, Gateway, ... v1/v1beta1/v1alpha3):
#     Go module istio.io/api@$ISTIO_API_VERSION, kubernetes/customresourcedefinitions.gen.yaml
# Use:  .tools/bin/kubeconform -strict -summary -schema-location .tools/schemas <files|dirs>
# (-kubernetes-version, if given, must be $K8S_VERSION: only that version's dirs exist)
# Idempotent: skipped when .tools/schemas/.stamp matches the pinned versions. Force: rm -rf .tools/schemas
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KV_VERSION=1.37.0          # kubernetes-validate (PyPI) -> schemas of Kubernetes v$K8S_VERSION
K8S_VERSION=1.37.0
ISTIO_API_VERSION=v1.29.0  # istio.io/api (Go module proxy)
OUT=$ROOT/.tools/schemas
CACHE=$ROOT/.tools/cache
STAMP="kubernetes-validate==$KV_VERSION k8s=$K8S_VERSION istio.io/api@$ISTIO_API_VERSION"

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

log "fetching istio.io/api@$ISTIO_API_VERSION from the Go module proxy"
istio_dir=$(GOPATH=$ROOT/.tools/go GOMODCACHE=$ROOT/.tools/go/mod GOFLAGS=-modcacherw \
  go mod download -json "istio.io/api@$ISTIO_API_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
crds=$istio_dir/kubernetes/customresourcedefinitions.gen.yaml
[ -f "$crds" ] || { echo "[schemas] ERROR: $crds not found" >&2; exit 1; }

pyenv=()
if ! python3 -c 'import yaml' 2>/dev/null; then
  log "installing PyYAML into .tools/pylib"
  python3 -m pip install -q --target "$ROOT/.tools/pylib" pyyaml
  pyenv=(env "PYTHONPATH=$ROOT/.tools/pylib")
fi

rm -rf "$OUT.tmp"
"${pyenv[@]}" python3 "$ROOT/scripts/schemas.py" "$wheel" "$K8S_VERSION" "$crds" "$OUT.tmp"
ln -s master-standalone "$OUT.tmp/v$K8S_VERSION-standalone" # also for -kubernetes-version $K8S_VERSION
ln -s master-standalone-strict "$OUT.tmp/v$K8S_VERSION-standalone-strict"

KC=$ROOT/.tools/bin/kubeconform
if [ -x "$KC" ]; then # self-test: a good Deployment+DestinationRule passes, a typo fails under -strict
  good='{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"t"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}
{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"t"},"spec":{"host":"t","subsets":[{"name":"v1","labels":{"v":"1"}}]}}'
  bad='{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"t"},"spec":{"hots":"t"}}'
  echo "$good" | "$KC" -strict -schema-location "$OUT.tmp" - >/dev/null || { echo "[schemas] ERROR: self-test: valid manifests rejected" >&2; exit 1; }
  if echo "$bad" | "$KC" -strict -schema-location "$OUT.tmp" - >/dev/null; then echo "[schemas] ERROR: self-test: typo accepted" >&2; exit 1; fi
  log "self-test passed (valid manifests pass, a typo fails with -strict)"
fi
echo "$STAMP" >"$OUT.tmp/.stamp"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
log "ready: kubeconform -strict -schema-location $OUT ..."
