#!/usr/bin/env bash
# The long form of test_groups_cooperative: the cooperative-sticky scenario of
# tests/integration/cooperative_rebalance.py (two librdkafka consumers, the second joining
# later; issue 11 item 11) run many times per backend, one broker per run. Figures go to
# results/<date>_<short sha>_rebalance/: runs-<backend>.jsonl (one line per run: problems,
# seconds to split the partitions, every callback of both members), summary.txt and
# command.txt. About 4 s per run.
#
# Usage: scripts/rebalance_loop.sh [runs per backend, default 50] [backend ...]
#   RINGLOG_BINARY=PATH   the broker to test (default build/ringlog)
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-50}"
shift || true
backends=("$@")
((${#backends[@]})) || backends=(uring rocksdb)
binary="$(realpath "${RINGLOG_BINARY:-build/ringlog}")"

sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then sha="$sha-dirty"; fi
out="$PWD/results/$(date -u +%Y-%m-%d)_${sha}_rebalance"
mkdir -p "$out"
{
  echo "# $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "RINGLOG_BINARY=$binary scripts/rebalance_loop.sh $runs ${backends[*]}"
} >>"$out/command.txt"

status=0
for backend in "${backends[@]}"; do
  log="$out/runs-$backend.jsonl"
  : >"$log"
  started=$SECONDS
  (cd tests/integration &&
    RINGLOG_BINARY="$binary" RINGLOG_BACKEND="$backend" PYTHONDONTWRITEBYTECODE=1 \
      /usr/bin/python3 cooperative_rebalance.py "$runs" "$log") || status=1
  failed="$(grep -c '"problems": \[\]' "$log" | awk -v n="$runs" '{print n - $1}')"
  echo "$backend: $failed of $runs runs failed ($((SECONDS - started)) s)" | tee -a "$out/summary.txt"
done
exit $status
