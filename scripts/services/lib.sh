# shellcheck shell=bash
# Shared by the service scripts (sourced after they set PID_FILE and define log()):
# process liveness and a bounded stop of the process recorded in $PID_FILE.

alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$st" ] && [ "${st:0:1}" != Z ]; } # zombie = dead
pid() { [ -f "$PID_FILE" ] && alive "$(cat "$PID_FILE")" && cat "$PID_FILE"; }

# stop_pid GRACE_SECONDS: SIGTERM, wait up to GRACE_SECONDS, then SIGKILL; removes $PID_FILE.
# Returns 1 when nothing was running.
stop_pid() {
  local p grace=$1
  p=$(pid) || { log "not running"; rm -f "$PID_FILE"; return 1; }
  log "stopping (pid $p)"
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do alive "$p" || break; sleep 0.1; done
  if alive "$p"; then log "still alive after ${grace}s, SIGKILL"; kill -KILL "$p" 2>/dev/null || true; fi
  for _ in $(seq 1 20); do alive "$p" || break; sleep 0.1; done
  rm -f "$PID_FILE"
}
