#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine (Node 20, Python 3.11, pip and
# apt are assumed): Debian's Chromium for the e2e tests (never a downloaded browser), and the
# testbed's own dependencies (OpenSSH server, iproute2, rsync, ...). Idempotent and quiet when
# everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || true
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-test-deps: need root to apt-get install ${need[*]} (or install them yourself)" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${need[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [[ -x scripts/testbed/install-deps ]]; then
  scripts/testbed/install-deps
fi
echo "install-test-deps: ok"
