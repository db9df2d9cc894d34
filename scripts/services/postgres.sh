#!/usr/bin/env bash
# Local PostgreSQL for Strangler dev/tests (Debian's packaged cluster, run natively).
#
#   scripts/services/postgres.sh start|stop|restart|status|url
#
# start   installs `postgresql` via apt if missing, starts the cluster, waits for
#         pg_isready, creates role strangler/strangler (SUPERUSER, tests only) and
#         databases `strangler` and `unleash` (owned by strangler). Idempotent.
# url     prints DATABASE_URL: postgresql://strangler:strangler@127.0.0.1:5432/strangler
#
# restart  fast stop + start (~0.5 s); used by fault tests (PostgreSQL restarted -> app must recover)
#
# The cluster itself lives where Debian puts it (/var/lib/postgresql/<ver>/main, config in
# /etc/postgresql/<ver>/main, tuning in its conf.d/strangler.conf, server log in /var/log/postgresql/);
# it is driven with pg_ctl (as user postgres). Needs root for apt. Test tuning: fsync off (fine for
# process restarts/kills, not for power loss), max_connections 300.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
RUN_DIR=$ROOT/.run/postgres
PORT=5432
USER_NAME=strangler
PASSWORD=strangler
URL="postgresql://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/strangler"
export DEBIAN_FRONTEND=noninteractive

log() { echo "[postgres] $*" >&2; }
die() { echo "[postgres] ERROR: $*" >&2; exit 1; }

as_pg() { # run a command as the postgres OS user
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

install_pg() {
  command -v pg_ctlcluster >/dev/null && return 0
  log "installing postgresql via apt"
  if ! apt-cache show postgresql >/dev/null 2>&1; then apt-get update -qq; fi
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 postgresql >/dev/null || { apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 postgresql >/dev/null; }
}

version() { # newest installed major version that has a 'main' cluster (create it if none)
  local v
  v=$(pg_lsclusters -h 2>/dev/null | awk '$2=="main"{print $1}' | sort -n | tail -1)
  if [ -z "$v" ]; then
    v=$(ls /usr/lib/postgresql | sort -n | tail -1)
    [ -n "$v" ] || die "no postgresql server binaries under /usr/lib/postgresql"
    log "creating cluster $v/main"
    pg_createcluster "$v" main --port "$PORT" >/dev/null
  fi
  echo "$v"
}

pg_ctl_() { # Debian cluster via pg_ctl directly (pg_ctlcluster adds ~2 s of fixed sleeps per start)
  local v=$1; shift
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  as_pg "/usr/lib/postgresql/$v/bin/pg_ctl" -D "/etc/postgresql/$v/main" "$@"
}

is_up() { pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; }

wait_ready() {
  for _ in $(seq 1 150); do is_up && return 0; sleep 0.2; done
  die "PostgreSQL not ready on 127.0.0.1:$PORT after 30s (see /var/log/postgresql/)"
}

tune() { # test-friendly settings via conf.d (applied at next start); returns 0 if changed
  local v=$1 conf="/etc/postgresql/$1/main/conf.d/strangler.conf"
  local want="# managed by scripts/services/postgres.sh
listen_addresses = 'localhost'
port = $PORT
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off"
  [ -f "$conf" ] && [ "$(cat "$conf")" = "$want" ] && return 1
  mkdir -p "$(dirname "$conf")"
  printf '%s\n' "$want" >"$conf"
  chown postgres:postgres "$conf" 2>/dev/null || true
  return 0
}

provision() {
  as_pg psql -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -p "$PORT" -d postgres <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$USER_NAME') THEN
    CREATE ROLE $USER_NAME LOGIN SUPERUSER CREATEDB PASSWORD '$PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE strangler OWNER $USER_NAME' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'strangler')\gexec
SELECT 'CREATE DATABASE unleash OWNER $USER_NAME' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'unleash')\gexec
SQL
}

start() {
  install_pg
  mkdir -p "$RUN_DIR"
  local v; v=$(version)
  local changed=0; tune "$v" && changed=1
  if is_up; then
    if [ "$changed" = 1 ]; then
      log "config changed, restarting $v/main"
      pg_ctl_ "$v" restart -m fast -w -t 60 -l "/var/log/postgresql/postgresql-$v-main.log" >>"$RUN_DIR/pg_ctl.log" 2>&1
    fi
  else
    log "starting cluster $v/main"
    pg_ctl_ "$v" start -w -t 60 -l "/var/log/postgresql/postgresql-$v-main.log" >>"$RUN_DIR/pg_ctl.log" 2>&1 || {
      tail -20 "/var/log/postgresql/postgresql-$v-main.log" >&2 || true; die "pg_ctl start of $v/main failed"; }
  fi
  wait_ready
  provision
  log "ready: $URL"
}

stop() {
  command -v pg_ctlcluster >/dev/null || { log "not installed"; return 0; }
  local v; v=$(version)
  if pg_ctl_ "$v" status >/dev/null 2>&1; then
    log "stopping cluster $v/main"
    pg_ctl_ "$v" stop -m fast -w -t 60 >/dev/null
  else
    log "already stopped"
  fi
}

status() {
  if is_up; then log "running: $URL"; else log "not running"; return 3; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|restart|status|url" >&2; exit 2 ;;
esac
