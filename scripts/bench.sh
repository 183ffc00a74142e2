#!/usr/bin/env bash
# Runs the standard benchmark set and stores it in results/<date>_<short sha>/:
#   1. set-up and a Release build (scripts/setup.sh, scripts/build.sh release);
#   2. every `ringlog bench` suite, one invocation each, with its standard duration
#      (medians of 3 repetitions): <suite>.jsonl and the printed table <suite>.txt, all
#      of them in suites.jsonl and tables.txt;
#   3. every Google Benchmark executable (build/bench/*_bench) with 3 repetitions, medians
#      only: <name>.json;
#   4. the plots (scripts/plot.sh): plots/*.png.
# About 27 minutes on 2 cores (failover, with its 20 kills per backend and a 1 GiB
# partition to move, about 10 of them). Scratch data goes to $RINGLOG_BENCH_DIR (default
# <build>/bench-data, on the disk of the work tree), and is removed afterwards.
#
# Usage: scripts/bench.sh [suite ...]     (default: every suite)
#   REPETITIONS=N   repetitions of each figure (default 3)
#   SKIP_BUILD=1    use an existing Release build
#   BUILD_DIR=DIR   where that build is (default build/, where scripts/build.sh puts it)
#   SKIP_MICRO=1    skip the Google Benchmark executables
set -uo pipefail
cd "$(dirname "$0")/.."

# Seconds per measurement of each suite: what fits the standard run's time.
declare -A DURATION=([seqio]=0.5 [backends]=1 [batching]=0.5 [zerocopy]=2 [latency]=3
                     [librdkafka]=3 [replication]=3 [failover]=3 [transactions]=3)
ALL_SUITES=(seqio backends batching zerocopy latency librdkafka replication failover transactions)
suites=("$@")
((${#suites[@]})) || suites=("${ALL_SUITES[@]}")
repetitions="${REPETITIONS:-3}"
build="${BUILD_DIR:-build}"

if [[ -z "${SKIP_BUILD:-}" ]]; then
  scripts/setup.sh || exit 1
  scripts/build.sh release || exit 1
fi

sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then sha="$sha-dirty"; fi
export RINGLOG_GIT_REVISION="$sha"
out="results/$(date -u +%Y-%m-%d)_${sha}"
data="${RINGLOG_BENCH_DIR:-$PWD/$build/bench-data}"
mkdir -p "$out" "$data"
echo "bench.sh: results in $out, scratch data in $data" >&2
# Appended: a rerun of some suites keeps the record of how the others were made.
{
  echo "scripts/bench.sh ${*:-} (REPETITIONS=$repetitions)"
  echo "started $(date -u +%Y-%m-%dT%H:%M:%SZ), revision $sha"
} >>"$out/command.txt"

failed=()
for suite in "${suites[@]}"; do
  duration="${DURATION[$suite]:-1}"
  cmd=("$build/ringlog" bench "$suite" --duration="$duration" --repetitions="$repetitions"
       --out="$out/$suite.jsonl" --data_dir="$data")
  echo "${cmd[*]}" >>"$out/command.txt"
  start=$SECONDS
  if ! "${cmd[@]}" | tee "$out/$suite.txt"; then failed+=("$suite"); fi
  echo "bench.sh: $suite took $((SECONDS - start)) s" | tee -a "$out/command.txt" >&2
done
# Every suite this directory holds, so that rerunning one suite keeps the others.
: >"$out/suites.jsonl"
: >"$out/tables.txt"
for suite in "${ALL_SUITES[@]}"; do
  if [[ -f "$out/$suite.jsonl" ]]; then
    cat "$out/$suite.jsonl" >>"$out/suites.jsonl"
    cat "$out/$suite.txt" >>"$out/tables.txt"
    echo >>"$out/tables.txt"
  fi
done

if [[ -z "${SKIP_MICRO:-}" ]]; then
  for exe in "$build"/bench/*_bench; do
    [[ -x "$exe" ]] || continue
    name="$(basename "$exe")"
    start=$SECONDS
    echo "bench.sh: $name" >&2
    # Repetitions of different cases are interleaved, so that a slow minute of the shared
    # disk hits a case and its baseline alike rather than one of them.
    if ! RINGLOG_BENCH_DIR="$data" "$exe" --benchmark_repetitions="$repetitions" \
        --benchmark_enable_random_interleaving=true \
        --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 \
        --benchmark_out="$out/$name.json" --benchmark_out_format=json \
        >"$out/$name.txt" 2>&1; then
      failed+=("$name")
    fi
    echo "$exe --benchmark_repetitions=$repetitions --benchmark_enable_random_interleaving=true" \
         "--benchmark_report_aggregates_only=true" \
         "--benchmark_min_time=0.2 ($((SECONDS - start)) s)" >>"$out/command.txt"
  done
fi
rmdir "$data" 2>/dev/null || true

scripts/plot.sh "$out" || failed+=(plot)
echo "finished $(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$out/command.txt"
if ((${#failed[@]})); then
  echo "bench.sh: failed: ${failed[*]} (see $out)" >&2
  exit 1
fi
echo "bench.sh: done; results in $out" >&2
