#!/usr/bin/env bash
# A real redis-server from the OS packages, without persistence: Redis only holds the
# rebuildable view of the figures (docs/architecture.md#rules-of-thumb: state that matters is in Kafka).
set -euo pipefail

SCRIPT_NAME="redis.sh"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-20}"
REDIS_VAR="$WIJKPULS_VAR/redis"
REDIS_PIDFILE="$REDIS_VAR/redis.pid"
REDIS_LOG="$REDIS_VAR/redis.log"

usage() {
    cat <<EOF
Usage: deploy/local/redis.sh {start|stop|status|--help}

Runs redis-server from the OS packages on $REDIS_HOST:$REDIS_PORT with no persistence
(--save '' --appendonly no). Idempotent: when something already answers PING on the port,
start uses it and stop leaves it alone.

Commands:
  start   use a Redis that answers PING, else install redis-server if missing
          (apt-get, as root) and start it daemonized; pid and log in $REDIS_VAR
  stop    stop the redis-server this script started
  status  exit 0 when Redis answers PING on the port, 3 when not

Environment (defaults in brackets):
  REDIS_PORT [6379]  REDIS_HOST [127.0.0.1]  REDIS_START_TIMEOUT [20] seconds
  WIJKPULS_VAR [<repo>/var]: pid file and log in \$WIJKPULS_VAR/redis
EOF
}

# ping: a RESP PING over bash's /dev/tcp, so no redis-cli is needed to check.
ping() {
    # shellcheck disable=SC2016 # expanded by the inner bash, which gets host and port as $0 $1
    timeout 3 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "PING\r\n" >&3
        IFS= read -r -t 2 reply <&3 || exit 1
        [[ "$reply" == "+PONG"* ]]' "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null
}

is_running() { pid_alive "$REDIS_PIDFILE" "redis-server"; }

install_redis() {
    if command -v redis-server >/dev/null; then
        return 0
    fi
    if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null; then
        die "redis-server is not installed and this is not root on Debian/Ubuntu; install it \
with your package manager (Debian: sudo apt-get install -y redis-server)"
    fi
    log "redis-server missing; installing it from the OS packages (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends redis-server
    command -v redis-server >/dev/null || die "apt-get installed redis-server but it is not on PATH"
}

start() {
    if ping; then
        if is_running; then
            log "already running (pid $(<"$REDIS_PIDFILE")) on $REDIS_HOST:$REDIS_PORT"
        else
            log "a Redis already answers PING on $REDIS_HOST:$REDIS_PORT; using it \
('redis.sh stop' will leave it alone)"
        fi
        return 0
    fi
    if port_open "$REDIS_HOST" "$REDIS_PORT"; then
        die "port $REDIS_PORT is taken by something that does not answer PING; set REDIS_PORT"
    fi
    install_redis
    mkdir -p "$REDIS_VAR"
    rm -f "$REDIS_PIDFILE"
    log "starting $(redis-server --version | cut -d' ' -f1-3) on $REDIS_HOST:$REDIS_PORT \
(no persistence, log $REDIS_LOG)"
    redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" \
        --save '' --appendonly no \
        --daemonize yes --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" --dir "$REDIS_VAR"
    local waited=0
    until ping; do
        if (( waited >= REDIS_START_TIMEOUT )); then
            [[ -s "$REDIS_LOG" ]] && tail -n 30 "$REDIS_LOG" >&2
            die "redis-server did not answer PING within ${REDIS_START_TIMEOUT}s (log above)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "ready (pid $(cat "$REDIS_PIDFILE" 2>/dev/null || echo '?')); stop it with: deploy/local/redis.sh stop"
}

stop() {
    if is_running; then
        stop_pid "$REDIS_PIDFILE" "redis-server" 15
    elif ping; then
        log "a Redis not started by this script answers on $REDIS_HOST:$REDIS_PORT; leaving it alone"
    else
        rm -f "$REDIS_PIDFILE"
        log "not running"
    fi
}

status() {
    if is_running; then
        log "process running (pid $(<"$REDIS_PIDFILE"))"
    fi
    if ping; then
        log "answers PING on $REDIS_HOST:$REDIS_PORT"
        return 0
    fi
    log "nothing answers PING on $REDIS_HOST:$REDIS_PORT"
    return 3
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
esac
