#!/usr/bin/env bash
# The README's test command: installs what is missing, builds (release, testable), smoke-runs the benchmark at a tiny
# size (no timing is asserted: speed is the benchmark's business), and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --server-tests
# The tests run against an optimised build with testable imports: in a debug build most of the
# suite's time went to unspecialised generic code (and bcrypt at -O0). Preconditions stay on in
# release builds; the sources use no assert(). The build has a folder of its own (.build/tests),
# so that it and the plain release build of the benchmark never rebuild each other.
build=(-c release -Xswiftc -enable-testing --scratch-path .build/tests)
swift build "${build[@]}" --build-tests
swift build "${build[@]}" --product annals-bench
echo "annals-bench smoke run (tiny size; the figures mean nothing here):"
.build/tests/release/annals-bench --events 2000 --repeat 1 2>/dev/null | tail -n 3
swift test "${build[@]}" --skip-build "$@"
