#!/usr/bin/env bash
# Starts/stops every local backing service, in dependency order:
#   scripts/services/all.sh start|stop|restart|status
# start: postgres -> kafka -> unleash (unleash needs postgres); stop: reverse order.
# Then:  . scripts/services/env.sh   (DATABASE_URL, KAFKA_BROKERS, UNLEASH_URL, UNLEASH_API_TOKEN, UNLEASH_ADMIN_TOKEN)
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
  start)
    t0=$SECONDS
    ./postgres.sh start
    ./kafka.sh start
    ./unleash.sh start
    echo "[all] services up in $((SECONDS - t0))s; now: . scripts/services/env.sh" >&2 ;;
  stop) ./unleash.sh stop; ./kafka.sh stop; ./postgres.sh stop ;;
  restart) "$0" stop; "$0" start ;;
  status) rc=0; for s in postgres kafka unleash; do ./$s.sh status || rc=1; done; exit $rc ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
