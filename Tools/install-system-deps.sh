#!/usr/bin/env bash
# Installs the Debian packages Smart TODO builds against, when missing (run as root).
set -euo pipefail
missing=()
# chromium and chromium-driver: the page tests of `todo serve` (Tools/serve-page); postgresql:
# the tests' throw-away cluster (Tools/postgres-cluster.sh).
for pkg in libopenblas-dev pkg-config libsqlite3-dev chromium chromium-driver postgresql; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
