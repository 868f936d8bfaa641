#!/usr/bin/env bash
# Installs what Annals needs beyond the Swift toolchain: LMDB's C library and headers
# (Debian's liblmdb-dev) and pkg-config, which SwiftPM uses to find them. With --server-tests,
# also what the server's tests drive: Debian's chromium and chromium-driver (the history browser
# test), Python's selenium and schemathesis from PyPI (the browser script and the API fuzzer), and
# Debian's postgresql (the tests start private clusters of it for the PostgreSQL log) and
# iproute2 (a second machine simulated with a network namespace, as root).
# Idempotent: installs only what is missing. A server-test tool that cannot be installed is
# reported here and its tests say SKIPPED with the reason.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi
export DEBIAN_FRONTEND=noninteractive
updated=""
apt_install() {
  if [ -z "$updated" ]; then $SUDO apt-get update -qq; updated=1; fi
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! { pkg-config --exists lmdb 2>/dev/null && [ -f /usr/include/lmdb.h ]; }; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: liblmdb-dev is missing and apt-get is not available; install LMDB's headers and pkg-config file by hand" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    echo "error: installing liblmdb-dev needs root; run: apt-get install -y liblmdb-dev pkg-config" >&2
    exit 1
  fi
  echo "annals setup: installing liblmdb-dev and pkg-config" >&2
  apt_install liblmdb-dev pkg-config
  pkg-config --exists lmdb
fi

if [ "${1:-}" = "--server-tests" ]; then
  if ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then
    echo "annals setup: installing chromium and chromium-driver (the history browser test)" >&2
    apt_install chromium chromium-driver || echo "annals setup: chromium could not be installed; the browser test will say SKIPPED" >&2
  fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "annals setup: installing postgresql (the PostgreSQL log's tests start private clusters)" >&2
    apt_install postgresql || echo "annals setup: postgresql could not be installed; its tests will say SKIPPED" >&2
  fi
  if ! command -v ip >/dev/null 2>&1 && ! [ -x /usr/sbin/ip ]; then
    echo "annals setup: installing iproute2 (a follower on a second machine, simulated with a network namespace)" >&2
    apt_install iproute2 || echo "annals setup: iproute2 could not be installed; the network-namespace test will say SKIPPED" >&2
  fi
  if ! python3 -c "import selenium" 2>/dev/null || ! command -v schemathesis >/dev/null 2>&1; then
    echo "annals setup: installing selenium and schemathesis from PyPI (the browser test and the API fuzzer)" >&2
    python3 -m pip install -q selenium schemathesis 2>/dev/null \
      || python3 -m pip install -q --break-system-packages selenium schemathesis \
      || echo "annals setup: selenium or schemathesis could not be installed; their tests will say SKIPPED" >&2
  fi
fi
