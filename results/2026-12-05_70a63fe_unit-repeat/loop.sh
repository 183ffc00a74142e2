#!/bin/bash
# item 12: the whole unit suite repeatedly, every other run with two CPU hogs
cd /work/main
for i in $(seq 1 20); do
  hogs=0
  if (( i % 2 == 0 )); then yes >/dev/null & h1=$!; yes >/dev/null & h2=$!; hogs=2; fi
  start=$(date +%s)
  ctest --test-dir build -L unit -j2 --output-on-failure > /tmp/flaky2/run$i.log 2>&1
  rc=$?
  if (( hogs )); then kill $h1 $h2; fi
  echo "run $i hogs=$hogs rc=$rc secs=$(( $(date +%s) - start )) load=$(cut -d' ' -f1 /proc/loadavg) $(grep -E 'tests passed' /tmp/flaky2/run$i.log)" >> /tmp/flaky2/summary.txt
done
