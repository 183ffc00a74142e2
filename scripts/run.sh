#!/usr/bin/env bash
# Sets up, builds, and starts the broker: `ringlog serve` on 127.0.0.1:9092 with data in
# ./data. Extra arguments are serve flags (see `build/ringlog serve --help`), e.g.
#   scripts/run.sh --backend=rocksdb --listen=0.0.0.0:9092
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh release
exec build/ringlog serve "$@"
