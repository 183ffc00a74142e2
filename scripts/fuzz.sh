#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (built by `scripts/build.sh fuzz`), one after
# the other, one process at a time, and prints the executions of each and in total.
#
# Usage: scripts/fuzz.sh [--ci] [--runs=N | --time=SECONDS] [--merge] [--build=DIR] [target...]
#   --ci           CI mode: a fixed number of inputs per target (CI_RUNS below: 1.5 to 3
#                  minutes in all on 2 shared cores) over the committed corpus, from a
#                  fixed seed; what the fuzzer finds is thrown away. The default is a long run.
#   --runs=N       inputs per target
#   --time=SEC     seconds per target (default 600 unless --runs or --ci)
#   --merge        afterwards, add to tests/fuzz/corpus/<target>/ the fewest inputs the
#                  runs found that reach coverage it lacks (libFuzzer -merge=1)
#   --build=DIR    the build whose targets run: build-fuzz (default, ASan+UBSan) or
#                  build-fuzz-ubsan (`scripts/build.sh fuzz-ubsan`: UBSan alone, faster)
#   target         request stream batch segment offsets producer (default: all)
#
# A long run keeps its finds in build-fuzz/fuzz-work/<target>/ for the next run, of either
# build. A crash leaves its input in DIR/fuzz-artifacts/ and fails the script; reproduce it
# with `DIR/fuzz/<target>_fuzzer <file>` (GLOG_minloglevel=0 shows the broker's log).
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_TARGETS=(request stream batch segment offsets producer)
# Inputs per target in CI, from the cost of one input (ASan+UBSan, one core): request
# ~1.6 ms, stream ~3 ms, batch ~0.1 ms, segment ~6 ms (files and io_uring), offsets ~2 ms,
# producer ~5 ms.
declare -A CI_RUNS=([request]=10000 [stream]=5000 [batch]=100000 [segment]=3000 [offsets]=5000
                  [producer]=5000)
mode=long
runs=""
seconds=""
merge=0
out=build-fuzz
targets=()
for arg in "$@"; do
  case "$arg" in
    --ci) mode=ci ;;
    --runs=*) runs="${arg#--runs=}" ;;
    --time=*) seconds="${arg#--time=}" ;;
    --merge) merge=1 ;;
    --build=*) out="${arg#--build=}" ;;
    -*) echo "unknown option $arg" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done
((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")
if [[ "$mode" == long && -z "$runs" && -z "$seconds" ]]; then seconds=600; fi

# The segment target writes files for every input: tmpfs keeps that off the disk.
if [[ -z "${TMPDIR:-}" && -d /dev/shm && -w /dev/shm ]]; then export TMPDIR=/dev/shm; fi
# A smaller quarantine than the default 256 MB halves the cost of each input and still
# catches a use after free of anything freed in the same input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:quarantine_size_mb=16}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

mkdir -p "$out/fuzz-artifacts" "$out/fuzz-logs"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/ringlog-fuzz-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

total=0
failed=()
for target in "${targets[@]}"; do
  binary="$out/fuzz/${target}_fuzzer"
  corpus="tests/fuzz/corpus/$target"
  [[ -x "$binary" ]] || { echo "fuzz.sh: $binary missing (scripts/build.sh fuzz)" >&2; exit 1; }
  # libFuzzer writes new inputs into the first directory only.
  if [[ "$mode" == ci ]]; then
    work="$scratch/$target"
  else
    work="build-fuzz/fuzz-work/$target"
  fi
  mkdir -p "$work"
  limit=()
  if [[ -n "$runs" ]]; then
    limit+=("-runs=$runs")
  elif [[ "$mode" == ci && -z "$seconds" ]]; then
    limit+=("-runs=${CI_RUNS[$target]}")
  fi
  # CI mutates from a fixed seed, so that a red CI is a change to the code, never the luck
  # of the draw; long runs take a new seed each time to explore.
  [[ "$mode" == ci ]] && limit+=("-seed=1")
  [[ -n "$seconds" ]] && limit+=("-max_total_time=$seconds")
  log="$out/fuzz-logs/$target.log"
  start=$(date +%s)
  status=0
  "$binary" "${limit[@]}" -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$out/fuzz-artifacts/$target-" "$work" "$corpus" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  execs=${execs:-0}
  total=$((total + execs))
  printf 'fuzz.sh: %-8s %12d executions in %5ds%s\n' "$target" "$execs" \
    $(($(date +%s) - start)) "$( ((status)) && echo "  FAILED (exit $status), see $log")"
  if ((status)); then
    failed+=("$target")
    grep -E -A30 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error|Check failed' \
      "$log" | head -60 >&2 || tail -n 40 "$log" >&2
  fi
  if ((merge)) && ((status == 0)); then
    before=$(ls "$corpus" | wc -l)
    "$binary" -merge=1 -timeout=60 -rss_limit_mb=4096 "$corpus" "$work" \
      >"$out/fuzz-logs/$target-merge.log" 2>&1
    echo "fuzz.sh: $target corpus $before -> $(ls "$corpus" | wc -l) inputs"
  fi
done
echo "fuzz.sh: $total executions in total over ${#targets[@]} targets"
if ((${#failed[@]})); then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
