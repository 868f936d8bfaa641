#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds (release, testable) and runs
# the whole test suite, a smoke run of the benchmark among it (no timing is asserted: speed is the
# benchmark's business).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --server-tests
# The tests run against an optimised build with testable imports: in a debug build most of the
# suite's time went to unspecialised generic code (and bcrypt at -O0). Preconditions stay on in
# release builds; the sources use no assert(). The build has a folder of its own (.build/tests),
# so that it and the plain release build of the benchmark never rebuild each other. swift test
# builds every product (annals, the test helper, annals-bench) before it runs the tests.
swift test -c release -Xswiftc -enable-testing --scratch-path .build/tests "$@"
