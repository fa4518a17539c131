#!/usr/bin/env bash
# The e2e suite runs in Debian's Chromium (Playwright never downloads a browser here). Install it
# when it is missing and we may (root with apt-get); otherwise stop with the one command to run.
set -euo pipefail

browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0

if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable browser." >&2
  exit 1
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium with apt-get…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  [ -x "$browser" ] && exit 0
  echo "apt-get installed chromium, but $browser is still missing." >&2
  exit 1
fi

echo "The e2e tests need Chromium at $browser. Install it with:" >&2
echo "  sudo apt-get install -y chromium" >&2
echo "(or point CHROMIUM_PATH at another Chromium build)" >&2
exit 1
