#!/usr/bin/env bash
# Installs the two Go tools of `make deploy-check` into .tools/bin, built by the local Go
# toolchain from the Go module proxy: kubeconform (validates manifests against the schemas
# kept in deploy/schemas/, offline) and kustomize (renders deploy/k8s/overlays/*).
set -euo pipefail

SCRIPT_NAME="k8s-tools.sh"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The pins. kubeconform v0.8.0 needs Go >= 1.26; kustomize v5.8.2 is the newest v5 whose
# go.mod this machine's Go (1.26.8) accepts (v5.8.3 asks for Go 1.27).
KUBECONFORM_VERSION=v0.8.0
KUSTOMIZE_VERSION=v5.8.2
TOOLS_BIN="${TOOLS_BIN:-$REPO_ROOT/.tools/bin}"

usage() {
    cat <<EOF
Usage: deploy/local/k8s-tools.sh [--help]

Installs into $TOOLS_BIN (skipping what is already there at the pinned version):
  kubeconform $KUBECONFORM_VERSION  go install github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION
  kustomize   $KUSTOMIZE_VERSION  go install sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION
Needs the go command (1.26+); the first build takes about a minute (module downloads go to
the Go module cache, so later builds are quicker). TOOLS_BIN overrides the folder.
EOF
}

case "${1:-}" in
    -h | --help | help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
esac

command -v go >/dev/null || die "the go command is missing; kubeconform and kustomize are built \
with it from the Go module proxy (Debian: apt-get install -y golang-go, or Go 1.26+ from go.dev)"
mkdir -p "$TOOLS_BIN"

# A stamp per tool records the version it was built from (kubeconform built with go install
# reports its version as "development").
install_tool() {  # name module@version
    local name="$1" target="$2" stamp="$TOOLS_BIN/.$1.version"
    if [[ -x "$TOOLS_BIN/$name" && "$(cat "$stamp" 2>/dev/null)" == "$target" ]]; then
        log "$name already installed ($target)"
        return 0
    fi
    log "building $target into $TOOLS_BIN"
    local started=$SECONDS
    # GOTOOLCHAIN=local: use this Go, never fetch another toolchain; GOFLAGS: no VCS stamping
    # (the module zips carry no .git) and no go.mod of the current folder is consulted.
    GOBIN="$TOOLS_BIN" GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go install "$target"
    echo "$target" >"$stamp"
    log "$name built in $((SECONDS - started))s"
}

install_tool kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
install_tool kustomize "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
