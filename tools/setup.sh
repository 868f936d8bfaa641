#!/usr/bin/env bash
# Installs what Annals needs beyond the Swift toolchain: LMDB's C library and headers
# (Debian's liblmdb-dev) and pkg-config, which SwiftPM uses to find them.
# Idempotent: does nothing when they are already there.
set -euo pipefail

if pkg-config --exists lmdb 2>/dev/null && [ -f /usr/include/lmdb.h ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: liblmdb-dev is missing and apt-get is not available; install LMDB's headers and pkg-config file by hand" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: installing liblmdb-dev needs root; run: apt-get install -y liblmdb-dev pkg-config" >&2
    exit 1
  fi
fi

echo "annals setup: installing liblmdb-dev and pkg-config" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends liblmdb-dev pkg-config >/dev/null
pkg-config --exists lmdb
