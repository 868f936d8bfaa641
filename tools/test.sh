#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, smoke-runs the benchmark at a tiny
# size (no timing is asserted: speed is the benchmark's business), and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --server-tests
swift build --build-tests
swift build --product annals-bench
echo "annals-bench smoke run (debug build, tiny size; the figures mean nothing here):"
.build/debug/annals-bench --events 2000 --repeat 1 2>/dev/null | tail -n 3
swift test --skip-build "$@"
