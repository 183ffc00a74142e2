#!/usr/bin/env bash
# The long form of test_groups_cooperative: the cooperative-sticky scenario of
# tests/integration/cooperative_rebalance.py (two librdkafka consumers, the second joining
# later; issue 11 item 11) run many times per backend, one broker per run. Figures go to
# results/<date>_<label>_rebalance/: runs-<backend>-hogs<N>.jsonl (one line per run: problems,
# seconds to split the partitions, whether the race happened, every callback of both
# members), summary.txt and command.txt. About 4 s per run.
#
# Usage: scripts/rebalance_loop.sh [runs per backend, default 50] [backend ...]
#   RINGLOG_BINARY=PATH   the broker to test (default build/ringlog)
#   LABEL=TEXT            names the results (default: the short sha, -dirty if modified);
#                         give the tested binary's revision when it is not HEAD's build
#   HOGS=N                N busy loops at the script's own niceness while it runs: the
#                         race needs the clients to be slowed down (0 by default)
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-50}"
shift || true
backends=("$@")
((${#backends[@]})) || backends=(uring rocksdb)
binary="$(realpath "${RINGLOG_BINARY:-build/ringlog}")"

sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then sha="$sha-dirty"; fi
out="$PWD/results/$(date -u +%Y-%m-%d)_${LABEL:-$sha}_rebalance"
mkdir -p "$out"
hogs="${HOGS:-0}"
{
  echo "# $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "niceness $(nice)"
  echo "HOGS=$hogs RINGLOG_BINARY=$binary scripts/rebalance_loop.sh $runs ${backends[*]}"
} >>"$out/command.txt"
hog_pids=()
for ((i = 0; i < hogs; i++)); do
  (while :; do :; done) &
  hog_pids+=($!)
done
trap '((${#hog_pids[@]})) && kill "${hog_pids[@]}" 2>/dev/null' EXIT

status=0
for backend in "${backends[@]}"; do
  log="$out/runs-$backend-hogs$hogs.jsonl"
  : >"$log"
  started=$SECONDS
  (cd tests/integration &&
    RINGLOG_BINARY="$binary" RINGLOG_BACKEND="$backend" PYTHONDONTWRITEBYTECODE=1 \
      /usr/bin/python3 cooperative_rebalance.py "$runs" "$log") || status=1
  failed="$(grep -c '"problems": \[\]' "$log" | awk -v n="$runs" '{print n - $1}')"
  overtaken="$(grep -c '"overtaken": true' "$log")"
  echo "$backend: $failed of $runs runs failed, $overtaken with the race seen by the broker" \
    "(HOGS=$hogs, $((SECONDS - started)) s)" | tee -a "$out/summary.txt"
done
exit $status
