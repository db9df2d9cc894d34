# shellcheck shell=bash
# Source me:  . scripts/services/env.sh
# Exports the connection settings of the local services started by scripts/services/all.sh.
# (No `set -euo pipefail` here on purpose: this file is sourced and must not change the
#  options of the calling shell.)
_svc_dir=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
export DATABASE_URL=${DATABASE_URL:-$("$_svc_dir/postgres.sh" url)}
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
eval "$("$_svc_dir/unleash.sh" env)"
unset _svc_dir
