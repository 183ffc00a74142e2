#!/usr/bin/env bash
# Runs every test: set-up, a release build and all tests through ctest (unit tests on
# every backend, integration tests with real Kafka clients against the real binary), then
# the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer, then each fuzz
# target for a fixed number of inputs over its committed corpus (tests/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh release
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 600

scripts/build.sh asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -L unit --timeout 900

scripts/build.sh fuzz
scripts/fuzz.sh --ci
echo "test.sh: all tests passed"
