#!/usr/bin/env bash
# Installs pinned CLI tools into .tools/bin (built from source via the Go module proxy) and the
# offline kubeconform schemas (scripts/schemas.sh: Kubernetes, plus the CRDs of Istio, Argo CD, Argo Rollouts,
# External Secrets, KEDA, the Prometheus operator and Gateway API, from their Go modules; cold ~25 s, then cached
# in .tools/schemas). Idempotent: a tool is skipped when the
# binary's embedded module version (`go version -m`) already matches the pin.
#
#   scripts/tools.sh            # all
#   scripts/tools.sh helm       # just one (helm|kubeconform|fortio|promql-check|schemas)
#
# Afterwards: export PATH="$PWD/.tools/bin:$PATH"
#   helm template charts/strangler -f charts/strangler/ci/all-options-values.yaml | kubeconform -strict -summary -schema-location .tools/schemas -
#   fortio load -qps 200 -c 8 -t 10s http://127.0.0.1:8080/...
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.tools/bin

# name | main package | module | version | extra -ldflags (version stamping)
TOOLS=(
  # helm's Makefile stamps the Kubernetes version it was built against (client-go v0.37 → 1.37); without it `helm
  # template` assumes v1.20 and refuses charts with kubeVersion >= 1.25
  "helm|helm.sh/helm/v3/cmd/helm|helm.sh/helm/v3|v3.22.0|-X helm.sh/helm/v3/internal/version.version=v3.22.0 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=37"
  "kubeconform|github.com/yannh/kubeconform/cmd/kubeconform|github.com/yannh/kubeconform|v0.8.0|-X main.version=v0.8.0"
  # fortio >= 1.69 needs grol.io/grol, which the Go module proxy here refuses (host not allowed)
  "fortio|fortio.org/fortio|fortio.org/fortio|v1.68.2|"
)

export GOPATH=$ROOT/.tools/go GOMODCACHE=$ROOT/.tools/go/mod GOCACHE=$ROOT/.tools/go/cache GOBIN=$BIN
export GOFLAGS="-mod=mod -modcacherw" CGO_ENABLED=0 GOTOOLCHAIN=local

log() { echo "[tools] $*" >&2; }

installed_version() { # module version embedded in the binary, empty if absent
  [ -x "$BIN/$1" ] || return 0
  go version -m "$BIN/$1" 2>/dev/null | awk -v m="$2" '$1=="mod" && $2==m {print $3}'
}

install_go_tool() {
  local name=$1 pkg=$2 mod=$3 ver=$4 ldflags=$5 t0=$SECONDS
  if [ "$(installed_version "$name" "$mod")" = "$ver" ]; then log "$name $ver ok"; return 0; fi
  log "building $name $ver (go install $pkg@$ver) ..."
  go install -trimpath -ldflags "-s -w $ldflags" "$pkg@$ver"
  log "$name $ver installed in $((SECONDS - t0))s"
}

# scripts/promql-check: Prometheus's own PromQL parser over the chart's dashboard and AnalysisTemplate queries (the
# deploy tests). Rebuilt when its source is newer than the binary; cold ~40 s of CPU (the parser's dependencies).
install_promql_check() {
  local src=$ROOT/scripts/promql-check bin=$BIN/promql-check t0=$SECONDS
  if [ -x "$bin" ] && [ "$bin" -nt "$src/main.go" ] && [ "$bin" -nt "$src/go.mod" ] && [ "$bin" -nt "$src/go.sum" ]; then log "promql-check ok"; return 0; fi
  log "building promql-check (scripts/promql-check) ..."
  (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$bin" .)
  log "promql-check installed in $((SECONDS - t0))s"
}

command -v go >/dev/null || { log "ERROR: go not found (need Go >= 1.26.7)"; exit 1; }
mkdir -p "$BIN"
want=${1:-all}
for spec in "${TOOLS[@]}"; do
  IFS='|' read -r name pkg mod ver ldflags <<<"$spec"
  if [ "$want" = all ] || [ "$want" = "$name" ]; then install_go_tool "$name" "$pkg" "$mod" "$ver" "$ldflags"; fi
done
if [ "$want" = all ] || [ "$want" = promql-check ]; then install_promql_check; fi
if [ "$want" = all ] || [ "$want" = schemas ]; then "$ROOT/scripts/schemas.sh"; fi
