#!/usr/bin/env bash
# Make sure headless Chromium is available for the browser test of `argmine report`.
# Installs the Debian package `chromium` with apt-get only when /usr/bin/chromium is missing;
# prints nothing and exits 0 when it is already there. apt's output is shown only on failure.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

fail() { echo "ensure_chromium: $*" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and apt-get is not available; install Chromium by hand"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "$CHROMIUM is missing; run as root or install the Debian package chromium"
    SUDO=(sudo -n)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "ensure_chromium: installing the Debian package chromium (for the report's browser test)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -qq && \
       "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >"$log" 2>&1; then
    cat "$log" >&2
    fail "apt-get could not install chromium"
fi
[ -x "$CHROMIUM" ] || fail "chromium was installed but $CHROMIUM is missing"
