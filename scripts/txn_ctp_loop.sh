#!/usr/bin/env bash
# The long form of tests/integration/test_txn_consume_transform_produce.py (issue 17): the
# confluent-kafka consume-transform-produce process killed with SIGKILL many times in one
# run, on each backend and on a 3-broker cluster, repeated; every run must leave each
# input exactly once in the read_committed view of the output. Figures go to
# results/<date>_<label>_txn-ctp/: runs.jsonl (one line per passed test: kills and where
# they landed, records committed, aborted extras seen read_uncommitted, seconds),
# test-<form>-<n>.log, summary.txt and command.txt. About 0.5 s per kill plus 1 s per 500
# values.
#
# Usage: scripts/txn_ctp_loop.sh [kills per run, default 40] [repetitions, default 3] [form ...]
#   forms: uring rocksdb cluster (default: all three)
#   RINGLOG_BINARY=PATH   the broker to test (default build/ringlog)
#   LABEL=TEXT            names the results (default: the short sha, -dirty if modified)
set -uo pipefail
cd "$(dirname "$0")/.."

kills="${1:-40}"
repetitions="${2:-3}"
shift 2 || shift $#
forms=("$@")
((${#forms[@]})) || forms=(uring rocksdb cluster)
binary="$(realpath "${RINGLOG_BINARY:-build/ringlog}")"
# Enough input that the last kill still finds work: 60-100 values go per kill on average.
values=$((3000 + kills * 150))

sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then sha="$sha-dirty"; fi
out="$PWD/results/$(date -u +%Y-%m-%d)_${LABEL:-$sha}_txn-ctp"
mkdir -p "$out"
{
  echo "# $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "RINGLOG_BINARY=$binary scripts/txn_ctp_loop.sh $kills $repetitions ${forms[*]}"
} >>"$out/command.txt"

status=0
for form in "${forms[@]}"; do
  backend="$form" cluster=0
  if [[ "$form" == cluster ]]; then backend=uring cluster=3; fi
  passed=0
  started=$SECONDS
  for ((n = 1; n <= repetitions; n++)); do
    if (cd tests/integration &&
      RINGLOG_BINARY="$binary" RINGLOG_BACKEND="$backend" RINGLOG_CLUSTER="$cluster" \
        RINGLOG_CTP_KILLS="$kills" RINGLOG_CTP_VALUES="$values" RINGLOG_CTP_LOG="$out/runs.jsonl" \
        PYTHONDONTWRITEBYTECODE=1 \
        /usr/bin/python3 -m unittest -v test_txn_consume_transform_produce) \
      >"$out/test-$form-$n.log" 2>&1; then
      passed=$((passed + 1))
    else
      status=1
    fi
  done
  echo "$form: $passed of $repetitions runs passed ($kills kills of one static member and" \
    "one kill of two dynamic members each, $values values) in $((SECONDS - started)) s" |
    tee -a "$out/summary.txt"
done
exit $status
