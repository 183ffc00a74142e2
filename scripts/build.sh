#!/usr/bin/env bash
# Configures and builds ringlog. Usage: scripts/build.sh [release|asan] [extra cmake args]
#   release (default): optimised build in build/, the one binary is build/ringlog
#   asan: unit tests under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/
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
  *)
    echo "usage: $0 [release|asan] [cmake args...]" >&2
    exit 2
    ;;
esac
