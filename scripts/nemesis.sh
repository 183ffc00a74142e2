#!/usr/bin/env bash
# The long form of tests/integration/test_cluster_nemesis.py (issue 16): the same cluster,
# workload and checker, with a nemesis that applies many faults (kill -9 of leaders and of
# the controller, SIGSTOP past the session timeout, SIGTERM restarts, ZooKeeper cut off)
# instead of CI's ~75 s of them. One run per backend, each with its own seed (printed; rerun
# one with SEED=...). Figures go to results/<date>_<label>_nemesis/: runs.jsonl (one line
# per run: seed, every fault applied with its broker and times, the checker's figures and
# violations, seconds without a leader per partition, failed deliveries), test-<backend>.log
# (the run's output), summary.txt and command.txt. About 6 s per fault.
#
# Usage: scripts/nemesis.sh [faults per backend, default 100] [backend ...]
#   RINGLOG_BINARY=PATH   the broker to test (default build/ringlog)
#   SEED=N                the nemesis seed (default: a random one per run)
#   LABEL=TEXT            names the results (default: the short sha, -dirty if modified)
set -uo pipefail
cd "$(dirname "$0")/.."

faults="${1:-100}"
shift || true
backends=("$@")
((${#backends[@]})) || backends=(uring rocksdb)
binary="$(realpath "${RINGLOG_BINARY:-build/ringlog}")"

sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then sha="$sha-dirty"; fi
out="$PWD/results/$(date -u +%Y-%m-%d)_${LABEL:-$sha}_nemesis"
mkdir -p "$out"
{
  echo "# $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "RINGLOG_BINARY=$binary ${SEED:+SEED=$SEED }scripts/nemesis.sh $faults ${backends[*]}"
} >>"$out/command.txt"

status=0
for backend in "${backends[@]}"; do
  started=$SECONDS
  if (cd tests/integration &&
    RINGLOG_BINARY="$binary" RINGLOG_BACKEND="$backend" RINGLOG_NEMESIS_FAULTS="$faults" \
      RINGLOG_NEMESIS_SECONDS=$((faults * 30)) RINGLOG_NEMESIS_SEED="${SEED:-}" \
      RINGLOG_NEMESIS_REPORT="$out/runs.jsonl" PYTHONDONTWRITEBYTECODE=1 \
      /usr/bin/python3 -m unittest -v test_cluster_nemesis) >"$out/test-$backend.log" 2>&1; then
    result="passed"
  else
    result="FAILED (see test-$backend.log)"
    status=1
  fi
  {
    echo "$backend: $result in $((SECONDS - started)) s"
    grep -E '^\[nemesis [0-9:]+\] (seed|VIOLATION|acknowledged|values sent|records|failed|seconds without|recovery)' \
      "$out/test-$backend.log" | sed 's/^\[nemesis [0-9:]*\] /  /'
  } | tee -a "$out/summary.txt"
done
exit $status
