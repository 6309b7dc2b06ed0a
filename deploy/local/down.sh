#!/usr/bin/env bash
# Stops the local infrastructure that deploy/local/up.sh started; data stays in var/.
set -euo pipefail

SCRIPT_NAME="down.sh"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<EOF
Usage: deploy/local/down.sh [--help]

Stops the Kafka broker and the redis-server that the deploy/local scripts started (a broker
or Redis started some other way is left alone). Kafka's data stays in
$WIJKPULS_VAR/kafka/data; 'deploy/local/kafka.sh reset' deletes it.
EOF
}

case "${1:-}" in
    -h | --help | help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
esac

log "stopping Kafka"
"$LOCAL_DIR/kafka.sh" stop
log "stopping Redis"
"$LOCAL_DIR/redis.sh" stop
log "down"
