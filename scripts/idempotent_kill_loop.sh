#!/usr/bin/env bash
# The long form of tests/integration/test_idempotent_kill.py (issue 13): an idempotent
# confluent-kafka producer (acks=all) sends while the broker is killed with SIGKILL and
# restarted many times in one run (plain restarts; on uring also with the producer-state
# snapshots deleted or cut in half before each restart), then every message must be stored
# exactly once at its reported offset. Figures go to
# results/<date>_<label>_idempotent-kill/: runs.jsonl (one line per passed variant:
# messages, records stored, messages unacknowledged at each kill, seconds), test-<backend>.log,
# summary.txt and command.txt. About 1.5 s per kill.
#
# Usage: scripts/idempotent_kill_loop.sh [kills per variant, default 30] [backend ...]
#   RINGLOG_BINARY=PATH   the broker to test (default build/ringlog)
#   LABEL=TEXT            names the results (default: the short sha, -dirty if modified)
set -uo pipefail
cd "$(dirname "$0")/.."

kills="${1:-30}"
shift || true
backends=("$@")
((${#backends[@]})) || backends=(uring rocksdb)
binary="$(realpath "${RINGLOG_BINARY:-build/ringlog}")"

sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then sha="$sha-dirty"; fi
out="$PWD/results/$(date -u +%Y-%m-%d)_${LABEL:-$sha}_idempotent-kill"
mkdir -p "$out"
{
  echo "# $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "RINGLOG_BINARY=$binary scripts/idempotent_kill_loop.sh $kills ${backends[*]}"
} >>"$out/command.txt"

status=0
for backend in "${backends[@]}"; do
  started=$SECONDS
  if (cd tests/integration &&
    RINGLOG_BINARY="$binary" RINGLOG_BACKEND="$backend" RINGLOG_KILL_ROUNDS="$kills" \
      RINGLOG_KILL_LOG="$out/runs.jsonl" PYTHONDONTWRITEBYTECODE=1 \
      /usr/bin/python3 -m unittest -v test_idempotent_kill) >"$out/test-$backend.log" 2>&1; then
    result="passed"
  else
    result="FAILED (see test-$backend.log)"
    status=1
  fi
  echo "$backend: $kills kills per variant, $result in $((SECONDS - started)) s;" \
    "$(grep -c "\"backend\": \"$backend\"" "$out/runs.jsonl" 2>/dev/null || echo 0) variants" \
    "stored every message exactly once" | tee -a "$out/summary.txt"
done
exit $status
