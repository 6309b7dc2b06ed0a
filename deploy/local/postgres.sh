#!/usr/bin/env bash
# A real PostgreSQL from Debian's packages for the signals vault (the only state Kafka cannot
# rebuild): its own cluster in var/postgres, owned by a non-root user, listening on 127.0.0.1.
set -euo pipefail

SCRIPT_NAME="postgres.sh"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_HOST="127.0.0.1"
PG_PORT="${WIJKPULS_POSTGRES_PORT:-5432}"
PG_USER="${WIJKPULS_POSTGRES_USER:-wijkpuls}"
PG_DB="${WIJKPULS_POSTGRES_DB:-wijkpuls}"
PG_START_TIMEOUT="${WIJKPULS_POSTGRES_START_TIMEOUT:-60}"
PG_VAR="${WIJKPULS_POSTGRES_DIR:-$WIJKPULS_VAR/postgres}"
# PostgreSQL refuses to run as root: as root the cluster belongs to this OS user.
PG_OS_USER="${WIJKPULS_POSTGRES_OS_USER:-postgres}"
PG_WANTED="$PG_VAR"

# resolve_var: a checkout under a folder that user cannot enter (/root/...) gets its cluster
# in /var/tmp/wijkpuls-postgres, one folder per wanted path (run again once the user exists).
resolve_var() {
    PG_VAR="$PG_WANTED"
    if [[ "$(id -u)" == "0" ]] && id "$PG_OS_USER" >/dev/null 2>&1; then
        mkdir -p "$(dirname "$PG_VAR")"
        if ! runuser -u "$PG_OS_USER" -- test -x "$(dirname "$PG_VAR")"; then
            PG_VAR="/var/tmp/wijkpuls-postgres/$(printf '%s' "$PG_WANTED" | cksum | cut -d' ' -f1)"
            mkdir -p "$PG_VAR"
            chmod 755 "$(dirname "$PG_VAR")"
        fi
    fi
    PG_DATA="$PG_VAR/data"
    PG_LOG="$PG_VAR/postgres.log"
}
resolve_var

usage() {
    cat <<EOF
Usage: deploy/local/postgres.sh {start|stop|restart|status|url|destroy|--help}

Runs PostgreSQL from Debian's packages (apt-get install postgresql when missing) as a
cluster of its own in $PG_VAR, on $PG_HOST:$PG_PORT, superuser '$PG_USER' with trust
authentication from 127.0.0.1 only (development and tests; production runs its own
PostgreSQL). Idempotent: start on a running cluster only reports it.

Commands:
  start    install when missing (as root, non-interactive), initdb on first use, start the
           server and wait until it accepts connections and database '$PG_DB' exists
  stop     stop the cluster this script started (fast shutdown)
  restart  stop, then start (the vault's restart test uses it)
  status   exit 0 when the cluster accepts connections, 3 when not
  destroy  stop the cluster and delete its folder (all its databases)
  url      print the vault's SQLAlchemy URL for this cluster

Environment (defaults in brackets):
  WIJKPULS_POSTGRES_PORT [5432]  WIJKPULS_POSTGRES_USER [wijkpuls]  WIJKPULS_POSTGRES_DB [wijkpuls]
  WIJKPULS_POSTGRES_DIR [\$WIJKPULS_VAR/postgres]: data, log and pid file
  WIJKPULS_POSTGRES_OS_USER [postgres]: the OS user that owns the cluster when run as root
  WIJKPULS_POSTGRES_START_TIMEOUT [60] seconds
EOF
}

# bin_dir: the newest /usr/lib/postgresql/<version>/bin (Debian does not put initdb on PATH).
bin_dir() {
    local dir
    dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null \
        | sort -V | tail -n 1)"
    [[ -n "$dir" && -x "$dir/initdb" ]] && printf '%s\n' "$dir"
}

install_postgres() {
    if [[ -n "$(bin_dir)" ]]; then
        return 0
    fi
    if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null; then
        die "PostgreSQL is not installed and this is not root on Debian/Ubuntu; install it \
with your package manager (Debian: sudo apt-get install -y postgresql)"
    fi
    log "PostgreSQL missing; installing it from Debian's packages (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    # The package would create and start a cluster 'main' on 5432; this script runs its own.
    mkdir -p /etc/postgresql-common/createcluster.d
    [[ -e /etc/postgresql-common/createcluster.d/wijkpuls.conf ]] ||
        printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.d/wijkpuls.conf
    if ! apt-get install -y -q --no-install-recommends postgresql </dev/null; then
        apt-get update -q </dev/null
        apt-get install -y -q --no-install-recommends postgresql </dev/null
    fi
    [[ -n "$(bin_dir)" ]] || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb"
}

# as_owner CMD...: run CMD as the cluster's owner (root: $PG_OS_USER; otherwise ourselves).
as_owner() {
    if [[ "$(id -u)" == "0" ]]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

ready() {
    local bin
    bin="$(bin_dir)" || return 1
    "$bin/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -t 2 2>/dev/null
}

is_ours() {
    [[ -s "$PG_DATA/postmaster.pid" ]] || return 1
    local pid
    pid="$(head -n 1 "$PG_DATA/postmaster.pid")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

prepare_dir() {
    if [[ "$(id -u)" == "0" ]]; then
        id "$PG_OS_USER" >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
        resolve_var
    fi
    mkdir -p "$PG_VAR"
    if [[ "$(id -u)" == "0" ]]; then
        chown "$PG_OS_USER" "$PG_VAR"
        as_owner test -w "$PG_VAR" || die "$PG_OS_USER cannot write $PG_VAR (a parent folder \
is not open to it); set WIJKPULS_POSTGRES_DIR to a folder it can reach"
    fi
}

init_cluster() {
    local bin="$1"
    [[ -s "$PG_DATA/PG_VERSION" ]] && return 0
    log "initdb into $PG_DATA (superuser $PG_USER, trust from 127.0.0.1 only)"
    rm -rf "$PG_DATA"
    as_owner "$bin/initdb" -D "$PG_DATA" -U "$PG_USER" --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 --no-sync >"$PG_VAR/initdb.log" 2>&1 ||
        { tail -n 30 "$PG_VAR/initdb.log" >&2; die "initdb failed (log above)"; }
}

psql_ok() {
    "$(bin_dir)/psql" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -w -tAc "SELECT 1" \
        >/dev/null 2>&1
}

ensure_db() {
    local bin
    bin="$(bin_dir)"
    if ! "$bin/psql" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -w -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
        "$bin/createdb" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -w "$PG_DB"
    fi
}

start() {
    if is_ours && ready; then
        log "already running (pid $(head -n 1 "$PG_DATA/postmaster.pid")) on $PG_HOST:$PG_PORT"
        return 0
    fi
    if ! is_ours && port_open "$PG_HOST" "$PG_PORT"; then
        if ready && psql_ok; then
            log "a PostgreSQL not started here (another checkout's?) lets $PG_USER in on \
$PG_HOST:$PG_PORT; using it ('postgres.sh stop' will leave it alone)"
            ensure_db
            return 0
        fi
        die "port $PG_PORT is taken by something this script did not start; set \
WIJKPULS_POSTGRES_PORT to a free port"
    fi
    install_postgres
    local bin
    bin="$(bin_dir)"
    prepare_dir
    init_cluster "$bin"
    if ! is_ours; then
        rm -f "$PG_DATA/postmaster.pid"
        log "starting $("$bin/postgres" --version) on $PG_HOST:$PG_PORT (log $PG_LOG)"
        # TCP only: no Unix socket (its path length is limited and /var/run/postgresql not ours).
        as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -s -w -t "$PG_START_TIMEOUT" \
            -o "-h $PG_HOST -p $PG_PORT -k '' -c fsync=on -c max_connections=200" start ||
            { tail -n 30 "$PG_LOG" >&2 || true; die "PostgreSQL did not start (log above)"; }
    fi
    local waited=0
    until ready; do
        if (( waited >= PG_START_TIMEOUT )); then
            tail -n 30 "$PG_LOG" >&2 || true
            die "PostgreSQL did not accept connections within ${PG_START_TIMEOUT}s (log above)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    ensure_db
    log "ready (pid $(head -n 1 "$PG_DATA/postmaster.pid")): $(url); stop it with: deploy/local/postgres.sh stop"
}

stop() {
    if is_ours; then
        log "stopping PostgreSQL (pid $(head -n 1 "$PG_DATA/postmaster.pid"))"
        as_owner "$(bin_dir)/pg_ctl" -D "$PG_DATA" -s -m fast -w -t 30 stop ||
            warn "pg_ctl stop failed"
        log "stopped"
    elif ready; then
        log "a PostgreSQL not started by this script answers on $PG_HOST:$PG_PORT; leaving it alone"
    else
        log "not running"
    fi
}

status() {
    if is_ours; then
        log "process running (pid $(head -n 1 "$PG_DATA/postmaster.pid")), data $PG_DATA"
    fi
    if ready; then
        log "accepts connections on $PG_HOST:$PG_PORT"
        return 0
    fi
    log "nothing accepts connections on $PG_HOST:$PG_PORT"
    return 3
}

url() { printf 'postgresql+psycopg://%s@%s:%s/%s\n' "$PG_USER" "$PG_HOST" "$PG_PORT" "$PG_DB"; }

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    status) status ;;
    url) url ;;
    destroy) stop; rm -rf "$PG_VAR"; log "deleted $PG_VAR" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
esac
