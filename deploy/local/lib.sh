# Shared helpers for the deploy/local scripts. Sourced, never run.
# shellcheck shell=bash

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
# Runtime state (data, logs, pid files) lives in the work tree but is gitignored (var/).
WIJKPULS_VAR="${WIJKPULS_VAR:-$REPO_ROOT/var}"
# Downloaded jars live outside the work tree, so a fresh clone or `git clean` keeps them.
WIJKPULS_CACHE="${WIJKPULS_CACHE:-$HOME/.cache/wijkpuls}"

# shellcheck source=deploy/local/versions.env
source "$LOCAL_DIR/versions.env"

log() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# port_open HOST PORT: true when something accepts TCP connections there (no external tools).
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# pid_alive PIDFILE PATTERN: true when the pid in PIDFILE runs and its command line contains
# PATTERN (guards against a stale pid file whose number was reused by another process).
pid_alive() {
    local pidfile="$1" pattern="$2" pid
    [[ -s "$pidfile" ]] || return 1
    pid="$(<"$pidfile")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern"
}

# stop_pid PIDFILE NAME TIMEOUT_S: TERM, wait, then KILL; removes the pid file.
stop_pid() {
    local pidfile="$1" name="$2" timeout_s="$3" pid waited=0
    pid="$(<"$pidfile")"
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if (( waited >= timeout_s )); then
            warn "$name did not stop within ${timeout_s}s; sending KILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$pidfile"
    log "$name stopped"
}
