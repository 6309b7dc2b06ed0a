#!/usr/bin/env bash
# A real OpenID Connect provider for development and the tests: panva's certified
# oidc-provider (npm, deploy/local/oidc/package-lock.json) run with the local Node, two clients
# (the reporting service, the signals service) and a demo user per role (deploy/local/oidc/users.json).
# docs/signin.md says how the reporting service signs people in with it.
set -euo pipefail

SCRIPT_NAME="oidc.sh"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OIDC_HOST="${WIJKPULS_OIDC_HOST:-127.0.0.1}"
OIDC_PORT="${WIJKPULS_OIDC_PORT:-8088}"
OIDC_START_TIMEOUT="${OIDC_START_TIMEOUT:-30}"
OIDC_DIR="$LOCAL_DIR/oidc"
OIDC_VAR="$WIJKPULS_VAR/oidc"
OIDC_PIDFILE="$OIDC_VAR/oidc-$OIDC_PORT.pid"
OIDC_LOG="$OIDC_VAR/oidc-$OIDC_PORT.log"
ISSUER="http://$OIDC_HOST:$OIDC_PORT"
DISCOVERY="$ISSUER/.well-known/openid-configuration"

usage() {
    cat <<EOF
Usage: deploy/local/oidc.sh {start|stop|status|users|install|--help}

Runs oidc-provider (deploy/local/oidc/server.mjs) with Node on $ISSUER. Idempotent: when
the port already serves this issuer's discovery document, start uses it and stop leaves it
alone.

Commands:
  start    npm ci in deploy/local/oidc when its lock file changed, start the provider in the
           background and wait for its discovery document; pid and log in $OIDC_VAR
  stop     stop the provider this script started
  status   exit 0 when the discovery document answers with this issuer, 3 when not
  users    print the demo users and their roles
  install  only the npm ci

Environment (defaults in brackets):
  WIJKPULS_OIDC_PORT [8088]  WIJKPULS_OIDC_HOST [127.0.0.1]  OIDC_START_TIMEOUT [30] seconds
  WIJKPULS_OIDC_CLIENT_SECRET, WIJKPULS_OIDC_AUDIENCE, WIJKPULS_OIDC_REDIRECT_URIS (server.mjs)
  WIJKPULS_VAR [<repo>/var]: pid file, log and the signing keys in \$WIJKPULS_VAR/oidc
EOF
}

# discovered: the discovery document answers and names this issuer (bash /dev/tcp, no curl).
discovered() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 3 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "GET /.well-known/openid-configuration HTTP/1.0\r\nHost: %s:%s\r\n\r\n" "$0" "$1" >&3
        body="$(timeout 2 cat <&3)"
        [[ "$body" == *"\"issuer\":\"$2\""* ]]' "$OIDC_HOST" "$OIDC_PORT" "$ISSUER" 2>/dev/null
}

is_running() { pid_alive "$OIDC_PIDFILE" "oidc/server.mjs"; }

install() {
    command -v node >/dev/null || die "node is missing; deploy/local/web.sh installs Debian's nodejs and npm"
    local stamp="$OIDC_DIR/node_modules/.installed"
    if [[ -f "$stamp" && "$stamp" -nt "$OIDC_DIR/package-lock.json" ]]; then
        return 0
    fi
    log "installing oidc-provider from deploy/local/oidc/package-lock.json (npm ci)"
    (cd "$OIDC_DIR" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
    touch "$stamp"
}

start() {
    if discovered; then
        if is_running; then
            log "already running (pid $(<"$OIDC_PIDFILE")) at $ISSUER"
        else
            log "an OpenID provider with issuer $ISSUER already answers; using it"
        fi
        return 0
    fi
    if port_open "$OIDC_HOST" "$OIDC_PORT"; then
        die "port $OIDC_PORT is taken by something that is not this provider; set WIJKPULS_OIDC_PORT"
    fi
    install
    mkdir -p "$OIDC_VAR"
    log "starting oidc-provider $(node -p "require('$OIDC_DIR/node_modules/oidc-provider/package.json').version") \
on $ISSUER (log $OIDC_LOG)"
    WIJKPULS_OIDC_HOST="$OIDC_HOST" WIJKPULS_OIDC_PORT="$OIDC_PORT" WIJKPULS_OIDC_DATA="$OIDC_VAR" \
        nohup node "$OIDC_DIR/server.mjs" >>"$OIDC_LOG" 2>&1 </dev/null &
    echo $! >"$OIDC_PIDFILE"
    local waited=0
    until discovered; do
        if ! is_running; then
            tail -n 30 "$OIDC_LOG" >&2
            die "oidc-provider exited (log above)"
        fi
        if (( waited >= OIDC_START_TIMEOUT * 2 )); then
            tail -n 30 "$OIDC_LOG" >&2
            die "no discovery document at $DISCOVERY within ${OIDC_START_TIMEOUT}s (log above)"
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    log "ready (pid $(<"$OIDC_PIDFILE")): $DISCOVERY; stop it with: deploy/local/oidc.sh stop"
}

stop() {
    if is_running; then
        stop_pid "$OIDC_PIDFILE" "oidc-provider" 10
    elif discovered; then
        log "a provider not started by this script answers at $ISSUER; leaving it alone"
    else
        rm -f "$OIDC_PIDFILE"
        log "not running"
    fi
}

status() {
    if is_running; then
        log "process running (pid $(<"$OIDC_PIDFILE"))"
    fi
    if discovered; then
        log "discovery document answers at $DISCOVERY"
        return 0
    fi
    log "nothing serves $DISCOVERY"
    return 3
}

users() {
    echo "  demo users at $ISSUER (password for each: wijkpuls-demo):"
    node -e '
        for (const u of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))
            console.log(`    ${u.login.padEnd(18)} ${u.name.padEnd(24)} ${u.roles.join(", ")}${u.wijken ? " (wijken: " + u.wijken.join(", ") + ")" : ""}`);
    ' "$OIDC_DIR/users.json"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    users) users ;;
    install) install ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
esac
