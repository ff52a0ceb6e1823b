#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Debian's prometheus
# package (promtool for rule checks, the server for the scrape tests) and
# prometheus-alertmanager (the notification tests start their own) and chromium
# (the status page and report tests drive it with puppeteer-core; no browser is
# ever downloaded).
set -euo pipefail
if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 &&
  command -v prometheus-alertmanager >/dev/null 2>&1 && [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-test-deps: need root to apt-get install prometheus prometheus-alertmanager chromium (or install them yourself)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Debian's packages start their services on install; the tests run their own
# servers, so keep invoke-rc.d from starting any while installing.
policy=/usr/sbin/policy-rc.d
had_policy=0
if [ -e "$policy" ]; then had_policy=1; fi
if [ "$had_policy" = 0 ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager chromium >/dev/null
command -v promtool >/dev/null
command -v prometheus-alertmanager >/dev/null
[ -x /usr/bin/chromium ]
echo "install-test-deps: $(promtool --version 2>&1 | head -1); $(prometheus-alertmanager --version 2>&1 | head -1); $(/usr/bin/chromium --version 2>/dev/null | head -1)"
