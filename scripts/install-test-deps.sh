#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Debian's prometheus
# package (promtool for rule checks, the server for the scrape tests).
set -euo pipefail
if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-test-deps: need root to apt-get install prometheus (or install it yourself)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# Debian's package may start a service on install; the tests run their own.
(pkill -x prometheus || true) 2>/dev/null
command -v promtool >/dev/null
echo "install-test-deps: $(promtool --version 2>&1 | head -1)"
