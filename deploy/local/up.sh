#!/usr/bin/env bash
# Local infrastructure without Docker: Redis, then Kafka, then the project's topics.
set -euo pipefail

SCRIPT_NAME="up.sh"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<EOF
Usage: deploy/local/up.sh [--help]

Starts the local infrastructure (idempotent, safe to re-run):
  1. deploy/local/redis.sh start   redis-server on REDIS_PORT [6379], no persistence
  2. deploy/local/kafka.sh start   Apache Kafka $KAFKA_VERSION (KRaft) on KAFKA_PORT [9092]
  3. \$PYTHON -m shared.platform.kafka_admin ensure-topics   every topic of shared/contract/topics.py, with the
     partitions from settings and the retention from the domain configuration

PYTHON defaults to <repo>/.venv/bin/python. The WIJKPULS_KAFKA_* settings (e.g.
WIJKPULS_KAFKA_TOPIC_PREFIX) apply to step 3; WIJKPULS_KAFKA_BOOTSTRAP_SERVERS defaults to
localhost:\$KAFKA_PORT here. Stop everything with deploy/local/down.sh.
EOF
}

case "${1:-}" in
    -h | --help | help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
esac

PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
command -v "$PYTHON" >/dev/null \
    || die "no Python at $PYTHON; run 'uv sync --frozen' first or set PYTHON"

log "starting Redis"
"$LOCAL_DIR/redis.sh" start
log "starting Kafka"
"$LOCAL_DIR/kafka.sh" start
log "creating the project's topics"
(
    cd "$REPO_ROOT"
    export WIJKPULS_KAFKA_BOOTSTRAP_SERVERS="${WIJKPULS_KAFKA_BOOTSTRAP_SERVERS:-localhost:${KAFKA_PORT:-9092}}"
    "$PYTHON" -m shared.platform.kafka_admin ensure-topics
)
log "up: Kafka on localhost:${KAFKA_PORT:-9092}, Redis on 127.0.0.1:${REDIS_PORT:-6379}; \
stop with deploy/local/down.sh"
