#!/usr/bin/env bash
# Configures and builds ringlog. Usage: scripts/build.sh [release|asan|fuzz|fuzz-ubsan] [cmake args]
#   release (default): optimised build in build/, the one binary is build/ringlog
#   asan: unit tests under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/
#   fuzz: the libFuzzer targets of tests/fuzz, built with clang 14 under ASan + UBSan,
#         in build-fuzz/fuzz/ (only what they need; `cmake --build build-fuzz` builds all)
#   fuzz-ubsan: the same targets under UBSan alone, at -O2, in build-fuzz-ubsan/fuzz/: a few
#         times faster, for long runs (scripts/fuzz.sh --build=build-fuzz-ubsan)
set -euo pipefail
cd "$(dirname "$0")/.."

preset="${1:-release}"
shift || true
jobs="$(nproc)"
case "$preset" in
  release)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRINGLOG_WERROR=ON "$@" >/dev/null
    cmake --build build -j "$jobs"
    ;;
  asan)
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DRINGLOG_SANITIZE=ON \
      -DRINGLOG_WERROR=ON -DRINGLOG_BUILD_BENCH=OFF "$@" >/dev/null
    cmake --build build-asan -j "$jobs"
    ;;
  fuzz)
    # -O1 keeps the targets fast while DCHECKs stay on.
    CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
      -DRINGLOG_FUZZ=ON -DRINGLOG_WERROR=ON "$@" >/dev/null
    cmake --build build-fuzz -j "$jobs" --target fuzzers
    ;;
  fuzz-ubsan)
    CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz-ubsan -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS_DEBUG="-g -O2" -DCMAKE_CXX_FLAGS_DEBUG="-g -O2" \
      -DRINGLOG_FUZZ=ON -DRINGLOG_FUZZ_SANITIZERS=undefined -DRINGLOG_WERROR=ON "$@" >/dev/null
    cmake --build build-fuzz-ubsan -j "$jobs" --target fuzzers
    ;;
  *)
    echo "usage: $0 [release|asan|fuzz|fuzz-ubsan] [cmake args...]" >&2
    exit 2
    ;;
esac
