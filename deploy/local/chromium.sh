#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (tests/browser) when it is missing.
# Playwright's own browser download cannot work here; the tests drive this binary
# (WIJKPULS_BROWSER_CHROMIUM, default /usr/bin/chromium). Non-interactive: CI runs it as
# root from a clean clone with no stdin. Without root it uses sudo -n when that works.
set -euo pipefail

CHROMIUM="${WIJKPULS_BROWSER_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "chromium.sh: $CHROMIUM is missing and this user cannot install packages;" \
         "run as root: apt-get update && apt-get install -y chromium" >&2
    exit 1
fi

echo "==> installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q </dev/null
"${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core </dev/null
"$CHROMIUM" --version
