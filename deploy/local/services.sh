#!/usr/bin/env bash
# Start, stop or list the Wijkpuls services as background processes on this machine.
# Logs: $WIJKPULS_VAR/log/<service>.log (JSON lines); pids: $WIJKPULS_VAR/run/<service>.pid.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VAR=${WIJKPULS_VAR:-$ROOT/var}
PY=${PYTHON:-$ROOT/.venv/bin/python}
INTAKE_PORT=${WIJKPULS_INTAKE_PORT:-8000}
REPORTING_PORT=${WIJKPULS_REPORTING_PORT:-8001}
KPI_WEB_PORT=${WIJKPULS_KPI_WEB_PORT:-6066}
SIGNALS_PORT=${WIJKPULS_SIGNALS_PORT:-8002}
# Sign-in on the reporting service with the local provider (deploy/local/oidc.sh, started by
# `make infra`); WIJKPULS_OIDC_ISSUER= (empty) turns it off.
export WIJKPULS_OIDC_ISSUER=${WIJKPULS_OIDC_ISSUER-http://127.0.0.1:${WIJKPULS_OIDC_PORT:-8088}}
# The same provider for the signals service's pages and bearer tokens (its own client,
# wijkpuls-signals); WIJKPULS_SIGNALS_OIDC_ISSUER= (empty) turns it off there.
export WIJKPULS_SIGNALS_OIDC_ISSUER=${WIJKPULS_SIGNALS_OIDC_ISSUER-$WIJKPULS_OIDC_ISSUER}

# name|command (python -m ...)|health url. The reporting's /ready also waits until the KPI
# worker has marked its view of every partition complete (docs/reliability.md), seconds after
# its start on a fresh Redis: start does not wait for that, it checks the process serves.
SERVICES=(
  "intake|services.intake|http://127.0.0.1:$INTAKE_PORT/ready"
  "kpi|services.kpi worker -l info|http://127.0.0.1:$KPI_WEB_PORT/health"
  "reporting|services.reporting|http://127.0.0.1:$REPORTING_PORT/health"
  "signals|services.signals|http://127.0.0.1:$SIGNALS_PORT/ready"
  "webhooks|services.webhooks|http://127.0.0.1:${WIJKPULS_WEBHOOK_HEALTH_PORT:-8003}/health"
)

usage() {
  cat <<USAGE
usage: deploy/local/services.sh {start|stop|status|urls}

  start   start every service that is not running, wait until each answers /health,
          and print where its API docs are
  stop    stop the services started here
  status  show which services run
  urls    print where the APIs, docs and logs are

Environment: WIJKPULS_VAR (default ./var), PYTHON (default .venv/bin/python) and every
WIJKPULS_* setting of docs/settings.md, which the services read themselves.
USAGE
}

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_healthy() {
  local name=$1 url=$2 log=$3
  for _ in $(seq 1 60); do
    if "$PY" -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "!! $name did not answer $url within 30 s; last log lines:" >&2
  tail -n 20 "$log" >&2
  return 1
}

start() {
  mkdir -p "$VAR/log" "$VAR/run"
  for entry in "${SERVICES[@]}"; do
    IFS='|' read -r name command url <<<"$entry"
    pid="$VAR/run/$name.pid" log="$VAR/log/$name.log"
    if running "$pid"; then
      echo "==> $name already running (pid $(cat "$pid"))"
    else
      echo "==> starting $name (log: $log)"
      # Only the service is put in the background: with `cd && nohup ... &` the whole list
      # would be, and $! would be a subshell that `stop` kills while the service runs on.
      # shellcheck disable=SC2086  # the command is words on purpose
      (cd "$ROOT" || exit 1; nohup "$PY" -m $command >>"$log" 2>&1 & echo $! >"$pid")
    fi
    wait_healthy "$name" "$url" "$log"
  done
}

urls() {
  cat <<DONE

Wijkpuls is up.
  intake API docs:     http://127.0.0.1:$INTAKE_PORT/docs
  reporting API docs:  http://127.0.0.1:$REPORTING_PORT/docs
  monitor:             http://127.0.0.1:$REPORTING_PORT/monitor/overzicht  (overzicht, trends, wijken, STH-rapportage)
  dashboard:           http://127.0.0.1:$REPORTING_PORT/dashboard  (KPIs, termijnen, alerts)
  team leads:          http://127.0.0.1:$REPORTING_PORT/monitor/teamleider  (sign in as teamleider: its wijken's zaken over the term, alerts)
  signals API docs:    http://127.0.0.1:$SIGNALS_PORT/docs  (vroegsignalering, docs/signals.md)
  vroegsignalering:    http://127.0.0.1:$SIGNALS_PORT/vroegsignalering/werklijst  (sign in as vroegsignalering: werklijst, zaak, levering, DDAS-export)
  privacy officer:     http://127.0.0.1:$SIGNALS_PORT/privacy/toegangslog  (sign in as privacy: toegangslog, inzage, bewaartermijnen, sleutels)
  a live figure:       http://127.0.0.1:$REPORTING_PORT/api/v1/kpi/doorlooptijd?wijk=gemeente
  open over termijn:   http://127.0.0.1:$REPORTING_PORT/api/v1/open-over-termijn
  event catalog:       http://127.0.0.1:$INTAKE_PORT/api/v1/catalog  (AsyncAPI: .../catalog/asyncapi)
  logs:                $VAR/log/
  stop everything:     make stop
  sign in (monitor):   http://127.0.0.1:$REPORTING_PORT/auth/aanmelden  (docs/signin.md)
DONE
  "$ROOT/deploy/local/oidc.sh" users 2>/dev/null || true
}

stop() {
  for entry in "${SERVICES[@]}"; do
    IFS='|' read -r name _ _ <<<"$entry"
    pid="$VAR/run/$name.pid"
    if running "$pid"; then
      echo "==> stopping $name"
      kill "$(cat "$pid")"
      for _ in $(seq 1 60); do running "$pid" || break; sleep 0.5; done
      if running "$pid"; then
        echo "!! $name did not stop within 30 s; killing it" >&2
        kill -9 "$(cat "$pid")"
      fi
    fi
    rm -f "$pid"
  done
}

status() {
  for entry in "${SERVICES[@]}"; do
    IFS='|' read -r name _ _ <<<"$entry"
    if running "$VAR/run/$name.pid"; then echo "$name: running"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  start) start && urls ;;
  urls) urls ;;
  stop) stop ;;
  status) status ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
