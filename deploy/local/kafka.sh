#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, combined broker+controller) from the official
# jars on Maven Central, run with the local Java: the no-Docker path of docs/domain.md#components.
set -euo pipefail

SCRIPT_NAME="kafka.sh"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# WIJKPULS_KAFKA_VERSION overrides the pin only to try another version (see
# docs/infrastructure.md); the pin itself is in versions.env.
KAFKA_VERSION="${WIJKPULS_KAFKA_VERSION:-$KAFKA_VERSION}"
KAFKA_HOST="${KAFKA_HOST:-localhost}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
# The controller listener sits next to the client one unless told otherwise (9092 -> 9093).
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
# Topics are created explicitly from shared/contract/topics.py (one place); a typo in a topic name must
# fail, not silently create a one-partition topic.
KAFKA_AUTO_CREATE_TOPICS="${KAFKA_AUTO_CREATE_TOPICS:-false}"
# A second, secured listener as in production (TLS + SCRAM, as Strimzi's): set its port and
# the SCRAM users ("name:password,name:password"; created when the storage is formatted).
# The PLAINTEXT listener stays for the broker itself and this script's probe.
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-}"
KAFKA_SCRAM_USERS="${KAFKA_SCRAM_USERS:-}"

KAFKA_HOME="$WIJKPULS_CACHE/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_VAR="$WIJKPULS_VAR/kafka"
KAFKA_DATA="$KAFKA_VAR/data"
KAFKA_LOGS="$KAFKA_VAR/logs"
KAFKA_CONFIG="$KAFKA_VAR/server.properties"
KAFKA_PIDFILE="$KAFKA_VAR/kafka.pid"
# Short-lived tool JVMs (format, probe): C1 only and the serial collector start faster.
TOOL_JVM_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
KAFKA_TLS="$KAFKA_VAR/tls"  # ca.pem for the clients; the broker's PKCS12 keystore
KAFKA_TLS_PASSWORD="wijkpuls-local-keystore"  # guards a throwaway local key, nothing else
BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"

usage() {
    cat <<EOF
Usage: deploy/local/kafka.sh {start|stop|restart|status|logs [-f]|reset|fetch|--help}

Runs a single-node Apache Kafka $KAFKA_VERSION broker (KRaft, broker+controller in one JVM)
from the official jars on Maven Central with the local Java (17+). Idempotent: start when it
runs (or when another broker already answers on the port) and stop when it does not are no-ops.

Commands:
  start    fetch the jars if missing, write server.properties, format the storage once,
           start the broker in the background and wait until it answers metadata requests
  stop     stop the broker this script started (TERM, then KILL after ${KAFKA_STOP_TIMEOUT}s)
  restart  stop, then start
  status   say whether it runs and answers; exit 0 when it answers, 3 when not
  logs     print the last lines of server.log (KAFKA_LOG_LINES=100); 'logs -f' follows it
  reset    stop and delete the data folder (all topics and offsets)
  fetch    only fetch the jars

Environment (defaults in brackets):
  KAFKA_PORT [9092]  KAFKA_CONTROLLER_PORT [KAFKA_PORT + 1]  KAFKA_HOST [localhost]
  KAFKA_HEAP_OPTS [-Xms128m -Xmx512m]  KAFKA_START_TIMEOUT [120] seconds
  KAFKA_AUTO_CREATE_TOPICS [false]
  KAFKA_SASL_SSL_PORT []: also listen there with TLS + SASL/SCRAM-SHA-512; the CA the clients
    trust is written to \$WIJKPULS_VAR/kafka/tls/ca.pem (WIJKPULS_KAFKA_SSL_CAFILE)
  KAFKA_SCRAM_USERS []: name:password[,name:password] SCRAM-SHA-512 users (set at first start)
  WIJKPULS_VAR [<repo>/var]: data in \$WIJKPULS_VAR/kafka/data, logs in .../kafka/logs
  WIJKPULS_CACHE [\$HOME/.cache/wijkpuls]: jars in \$WIJKPULS_CACHE/kafka-<version>/libs
  WIJKPULS_KAFKA_VERSION: try another Kafka version than the pin in deploy/local/versions.env
EOF
}

require_java() {
    command -v java >/dev/null || die "java not found; Kafka $KAFKA_VERSION needs Java 17+ \
(Debian: apt-get install -y openjdk-17-jre-headless)"
    local major
    major="$(java -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
    if [[ -n "$major" ]] && (( major < 17 )); then
        die "Java $major found; Kafka 4 brokers need Java 17+"
    fi
}

fetch_jars() {
    if [[ -f "$KAFKA_HOME/.complete" ]]; then
        return 0
    fi
    command -v mvn >/dev/null || die "mvn not found; it fetches the Kafka jars from Maven Central \
(Debian: apt-get install -y maven)"
    log "fetching Kafka $KAFKA_VERSION (Scala $SCALA_VERSION) and Log4j $LOG4J_VERSION jars from \
Maven Central into $KAFKA_LIBS (first time only)"
    local tmp started
    tmp="$(mktemp -d "$WIJKPULS_CACHE/.kafka-$KAFKA_VERSION.XXXXXX")"
    started=$SECONDS
    if ! mvn -B -q -Dstyle.color=never -f "$LOCAL_DIR/kafka/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp/libs" \
        -Dkafka.version="$KAFKA_VERSION" -Dscala.version="$SCALA_VERSION" \
        -Dlog4j.version="$LOG4J_VERSION"; then
        rm -rf "$tmp"
        die "could not fetch the Kafka jars with Maven (network? version $KAFKA_VERSION exists?)"
    fi
    rm -rf "$KAFKA_HOME"
    mv "$tmp" "$KAFKA_HOME"
    echo "$KAFKA_VERSION" >"$KAFKA_HOME/.complete"
    log "fetched $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
}

write_config() {
    mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
    cat >"$KAFKA_CONFIG" <<EOF
# Written by deploy/local/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA
# One node: every internal topic has replication factor 1.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
num.partitions=1
auto.create.topics.enable=$KAFKA_AUTO_CREATE_TOPICS
delete.topic.enable=true
# Tests and local runs join consumer groups often; do not wait 3 s for more members.
group.initial.rebalance.delay.ms=0
# Two cores: keep the thread pools small.
num.network.threads=2
num.io.threads=4
background.threads=4
num.recovery.threads.per.data.dir=1
EOF
    if [[ -n "$KAFKA_SASL_SSL_PORT" ]]; then
        write_tls
        sed -i -e "s|^listeners=.*|&,SASL_SSL://$KAFKA_HOST:$KAFKA_SASL_SSL_PORT|" \
            -e "s|^advertised.listeners=.*|&,SASL_SSL://$KAFKA_HOST:$KAFKA_SASL_SSL_PORT|" \
            -e "s|^listener.security.protocol.map=.*|&,SASL_SSL:SASL_SSL|" "$KAFKA_CONFIG"
        cat >>"$KAFKA_CONFIG" <<EOF
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$KAFKA_TLS/broker.p12
ssl.keystore.password=$KAFKA_TLS_PASSWORD
ssl.key.password=$KAFKA_TLS_PASSWORD
EOF
    fi
}

write_tls() {  # a CA and the broker's certificate for $KAFKA_HOST, once per data folder
    [[ -s "$KAFKA_TLS/broker.p12" ]] && return 0
    command -v openssl >/dev/null || die "openssl not found (Debian: apt-get install -y openssl)"
    mkdir -p "$KAFKA_TLS"
    log "writing a local CA and the broker's TLS certificate into $KAFKA_TLS"
    (
        cd "$KAFKA_TLS"
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=wijkpuls-local-ca" \
            -keyout ca.key -out ca.pem 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=$KAFKA_HOST" -keyout broker.key \
            -out broker.csr 2>/dev/null
        printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\n' "$KAFKA_HOST" >san.ext
        openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
            -extfile san.ext -out broker.pem 2>/dev/null
        openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem \
            -passout "pass:$KAFKA_TLS_PASSWORD" -out broker.p12
        rm -f broker.csr ca.srl san.ext
    )
}

format_storage() {
    if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
        local formatted
        formatted="$(cat "$KAFKA_VAR/formatted-with" 2>/dev/null || echo unknown)"
        if [[ "$formatted" != "$KAFKA_VERSION" ]]; then
            warn "the data folder was formatted by Kafka $formatted, this is $KAFKA_VERSION; \
if the broker refuses to start, run 'deploy/local/kafka.sh reset' (deletes all topics)"
        fi
        return 0
    fi
    local cluster_id
    # A cluster id is 16 random bytes in URL-safe base64 without padding (what StorageTool
    # random-uuid prints); made here to spare a JVM start. Like Kafka's own Uuid.randomUuid, one
    # that starts with '-' is drawn again: the format command would read it as an option
    # (1 start in 64 failed with "argument --cluster-id/-t: expected one argument").
    cluster_id="-"
    while [[ "$cluster_id" == -* ]]; do
        cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    log "formatting $KAFKA_DATA (cluster id $cluster_id)"
    # Static quorum (controller.quorum.voters), so no --standalone: that flag is for the
    # dynamic quorum (controller.quorum.bootstrap.servers) and refuses static voters.
    local scram=() user users
    if [[ -n "$KAFKA_SCRAM_USERS" ]]; then
        IFS=',' read -ra users <<<"$KAFKA_SCRAM_USERS"
        for user in "${users[@]}"; do
            scram+=(--add-scram "SCRAM-SHA-512=[name=${user%%:*},password=${user#*:}]")
        done
    fi
    java $TOOL_JVM_OPTS -cp "$KAFKA_LIBS/*" "-Dlog4j2.configurationFile=$LOCAL_DIR/kafka/log4j2-tools.properties" \
        kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONFIG" ${scram[@]+"${scram[@]}"} >/dev/null
    echo "$KAFKA_VERSION" >"$KAFKA_VAR/formatted-with"
}

is_running() { pid_alive "$KAFKA_PIDFILE" "kafka.Kafka"; }

probe() {  # probe TIMEOUT_S: real metadata requests, retried until they succeed or time out
    # Compiled once into the cache (the single-file launcher compiled it on every start).
    local classes="$KAFKA_HOME/probe-classes"
    if [[ ! "$classes/Probe.class" -nt "$LOCAL_DIR/kafka/Probe.java" ]]; then
        local built  # built aside and moved in whole: two brokers may start at once
        built="$(mktemp -d "$KAFKA_HOME/.probe.XXXXXX")"
        javac -nowarn -cp "$KAFKA_LIBS/*" -d "$built" "$LOCAL_DIR/kafka/Probe.java"
        rm -rf "$classes.old"
        [[ -d "$classes" ]] && mv "$classes" "$classes.old"
        mv "$built" "$classes" 2>/dev/null || rm -rf "$built"
        rm -rf "$classes.old"
    fi
    # shellcheck disable=SC2086 # the options are a list
    java $TOOL_JVM_OPTS -cp "$classes:$KAFKA_LIBS/*" \
        "-Dlog4j2.configurationFile=$LOCAL_DIR/kafka/log4j2-tools.properties" \
        Probe "$BOOTSTRAP" "$1"
}

log_tail() {
    local file
    for file in "$KAFKA_LOGS/kafka.out" "$KAFKA_LOGS/server.log"; do
        if [[ -s "$file" ]]; then
            echo "----- last 40 lines of $file -----" >&2
            tail -n 40 "$file" >&2
        fi
    done
}

start() {
    mkdir -p "$WIJKPULS_CACHE" "$KAFKA_VAR"
    if is_running; then
        local running_on
        running_on="$(sed -n 's/^advertised.listeners=PLAINTEXT:\/\///p' "$KAFKA_CONFIG" 2>/dev/null)"
        if [[ "$running_on" != "$BOOTSTRAP" ]]; then
            die "the broker of $KAFKA_VAR already runs (pid $(<"$KAFKA_PIDFILE")) on \
${running_on:-another port}, not $BOOTSTRAP; stop it first, or give this one its own WIJKPULS_VAR"
        fi
        log "already running (pid $(<"$KAFKA_PIDFILE")) on $BOOTSTRAP"
        fetch_jars
        probe "$KAFKA_START_TIMEOUT" || { log_tail; die "running but not answering"; }
        return 0
    fi
    rm -f "$KAFKA_PIDFILE"
    require_java
    fetch_jars
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
        log "something else already listens on $BOOTSTRAP; checking whether it is a Kafka broker"
        if probe 15; then
            log "using the broker that already runs there (not started by this script, so \
'kafka.sh stop' will leave it alone)"
            return 0
        fi
        die "port $KAFKA_PORT is taken by something that is not a Kafka broker; \
set KAFKA_PORT to a free port"
    fi
    if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
        die "controller port $KAFKA_CONTROLLER_PORT is taken; set KAFKA_CONTROLLER_PORT"
    fi
    write_config
    format_storage
    log "starting Kafka $KAFKA_VERSION on $BOOTSTRAP (controller $KAFKA_CONTROLLER_PORT, \
data $KAFKA_DATA, logs $KAFKA_LOGS)"
    # setsid: the broker outlives the shell (or test run) that started it. The inner sh writes
    # its own pid and then execs java, so the pid file holds the JVM's pid.
    # shellcheck disable=SC2086,SC2016 # heap opts are a list; $$ and $@ are the inner shell's
    setsid sh -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PIDFILE" \
        java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
        "-Dlog4j2.configurationFile=$LOCAL_DIR/kafka/log4j2.properties" \
        "-Dkafka.logs.dir=$KAFKA_LOGS" \
        -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG" \
        </dev/null >"$KAFKA_LOGS/kafka.out" 2>&1 &
    local waited=0
    while ! port_open "$KAFKA_HOST" "$KAFKA_PORT"; do
        if ! is_running && (( waited > 1 )); then
            log_tail
            die "the broker exited during start-up (see above and $KAFKA_LOGS)"
        fi
        if (( waited >= KAFKA_START_TIMEOUT )); then
            log_tail
            die "the broker did not open $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s \
(KAFKA_START_TIMEOUT); it is left running for inspection: 'deploy/local/kafka.sh stop'"
        fi
        if (( waited > 0 && waited % 10 == 0 )); then
            log "waiting for $BOOTSTRAP to open (${waited}s)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "port open after ${waited}s (pid $(<"$KAFKA_PIDFILE")); sending metadata requests"
    if ! probe "$((KAFKA_START_TIMEOUT > waited + 10 ? KAFKA_START_TIMEOUT - waited : 10))"; then
        log_tail
        die "the broker opened its port but does not answer metadata requests"
    fi
    log "ready; stop it with: deploy/local/kafka.sh stop"
}

stop() {
    if is_running; then
        stop_pid "$KAFKA_PIDFILE" "Kafka broker" "$KAFKA_STOP_TIMEOUT"
    else
        rm -f "$KAFKA_PIDFILE"
        if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
            log "not started by this script, but something listens on $BOOTSTRAP; leaving it alone"
        else
            log "not running"
        fi
    fi
}

status() {
    log "Kafka $KAFKA_VERSION, $BOOTSTRAP, data $KAFKA_DATA, logs $KAFKA_LOGS"
    if is_running; then
        log "process running (pid $(<"$KAFKA_PIDFILE"))"
    else
        log "no process started by this script"
    fi
    if port_open "$KAFKA_HOST" "$KAFKA_PORT" && [[ -f "$KAFKA_HOME/.complete" ]] && probe 10; then
        return 0
    fi
    log "nothing answers metadata requests on $BOOTSTRAP"
    return 3
}

logs() {
    local file="$KAFKA_LOGS/server.log"
    [[ -f "$file" ]] || die "no log yet at $file"
    if [[ "${1:-}" == "-f" ]]; then
        exec tail -n "${KAFKA_LOG_LINES:-100}" -F "$file"
    fi
    tail -n "${KAFKA_LOG_LINES:-100}" "$file"
}

reset() {
    stop
    log "deleting $KAFKA_DATA (all topics, offsets and the cluster id)"
    rm -rf "$KAFKA_DATA" "$KAFKA_VAR/formatted-with"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    status) status ;;
    logs) shift; logs "$@" ;;
    reset) reset ;;
    fetch) mkdir -p "$WIJKPULS_CACHE"; fetch_jars; log "jars in $KAFKA_LIBS" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
esac
