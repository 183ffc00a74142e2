#!/usr/bin/env bash
# Interleaved before/after runs of the batching suite with compressed batches.
set -u
cd /work/wt/compress
OUT=/tmp/cbench/runs
mkdir -p $OUT build/bench-data
for round in 1 2 3; do
  for codec in lz4 zstd; do
    for build in before after; do
      broker=build/ringlog
      [[ $build == before ]] && broker=build/ringlog-before
      echo "$(date -u +%FT%TZ) round $round $codec $build" >> $OUT/log.txt
      build/ringlog bench batching --backend=uring --duration=1 --repetitions=1 \
        --compression=$codec --broker_binary=$broker --data_dir=build/bench-data \
        --out=$OUT/${codec}_${build}_r${round}.jsonl > $OUT/${codec}_${build}_r${round}.txt 2> $OUT/${codec}_${build}_r${round}.err
      echo "  exit $?" >> $OUT/log.txt
    done
  done
done
echo done >> $OUT/log.txt
