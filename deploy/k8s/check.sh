#!/usr/bin/env bash
# Renders every overlay under deploy/k8s/overlays with the project's kustomize and validates
# the result with kubeconform against the schemas kept in deploy/schemas/ only (no download:
# no schema location but those two folders is given). `make deploy-check` runs it after
# deploy/local/k8s-tools.sh has installed both tools into .tools/bin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_BIN="${TOOLS_BIN:-$ROOT/.tools/bin}"
OUT="${WIJKPULS_VAR:-$ROOT/var}/deploy"
SCHEMAS="$ROOT/deploy/schemas"

log() { printf '[check.sh] %s\n' "$*"; }
die() { printf '[check.sh] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in kustomize kubeconform; do
    [[ -x "$TOOLS_BIN/$tool" ]] || die "$TOOLS_BIN/$tool is missing; run deploy/local/k8s-tools.sh"
done

# The one Kubernetes version whose schemas are kept (deploy/schemas/kubernetes/v<version>-...).
shopt -s nullglob
folders=("$SCHEMAS"/kubernetes/v*-standalone-strict)
((${#folders[@]} == 1)) || die "expected one deploy/schemas/kubernetes/v*-standalone-strict folder"
version="${folders[0]##*/v}"
version="${version%-standalone-strict}"

mkdir -p "$OUT"
rendered=()
for overlay in "$ROOT"/deploy/k8s/overlays/*/; do
    name="$(basename "$overlay")"
    # domain.yaml comes from shared/config/, outside the kustomization root.
    "$TOOLS_BIN/kustomize" build --load-restrictor LoadRestrictionsNone "$overlay" >"$OUT/$name.yaml"
    log "rendered $name: $(grep -c '^kind:' "$OUT/$name.yaml") resources -> ${OUT#"$ROOT"/}/$name.yaml"
    rendered+=("$OUT/$name.yaml")
done
((${#rendered[@]} > 0)) || die "no overlays under deploy/k8s/overlays"

log "kubeconform (Kubernetes $version and Strimzi CRD schemas from deploy/schemas)"
"$TOOLS_BIN/kubeconform" -strict -summary -kubernetes-version "$version" \
    -schema-location "$SCHEMAS/kubernetes/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$SCHEMAS/strimzi/{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json" \
    "${rendered[@]}"
