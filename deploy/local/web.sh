#!/usr/bin/env bash
# Installs the monitor's front-end packages from shared/web/package-lock.json
# (npm ci; its postinstall copies the files the pages load into shared/web/vendor/).
# Installs Debian's nodejs and npm first when npm is missing (root, or sudo -n), so that
# `make run` and `make test` work on a fresh machine without anyone typing anything.
set -euo pipefail

WEB="$(cd "$(dirname "$0")/../../shared/web" && pwd)"

if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "web.sh: npm is missing and this user cannot install packages;" \
             "run as root: apt-get update && apt-get install -y nodejs npm" >&2
        exit 1
    fi
    echo "==> installing Debian's nodejs and npm for the monitor's front-end packages"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -q </dev/null
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends nodejs npm </dev/null
fi

echo "==> installing the locked front-end packages into shared/web/node_modules/"
cd "$WEB"
npm ci --no-audit --no-fund --loglevel=error </dev/null
