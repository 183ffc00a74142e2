#!/usr/bin/env bash
# Turns the JSON lines of a `ringlog bench` run into PNG plots with gnuplot.
# Usage: scripts/plot.sh [RESULT_DIR]   (default: the newest results/<date>_<sha>/)
# Reads RESULT_DIR/suites.jsonl; writes RESULT_DIR/plots/*.png (and the .dat/.gp files
# behind them). A suite missing from the run gets no plot.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${1:-$(ls -d results/*_*/ 2>/dev/null | sort | tail -n 1)}"
dir="${dir%/}"
if [[ -z "$dir" || ! -f "$dir/suites.jsonl" ]]; then
  echo "plot.sh: no suites.jsonl in '${dir}'; run scripts/bench.sh first" >&2
  exit 2
fi
mkdir -p "$dir/plots"

# Python reads the JSON and writes one .dat and one gnuplot script per plot.
/usr/bin/python3 - "$dir/suites.jsonl" "$dir/plots" <<'PY'
import collections
import json
import os
import sys

source, out = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(source) if line.strip()]
HEAD = ('set terminal pngcairo noenhanced size 900,560 font "sans,10"\n'
        'set grid\nset key outside right top\n')


def write(name, data, script):
    with open(os.path.join(out, name + ".dat"), "w") as f:
        f.write(data)
    with open(os.path.join(out, name + ".gp"), "w") as f:
        f.write(HEAD + 'set output "%s/%s.png"\n' % (out, name) + script)


def lines_plot(name, title, xlabel, ylabel, series, logy=False):
    """series: ordered {label: [(x, y)]}; one gnuplot data block per series."""
    series = {k: sorted(v) for k, v in series.items() if v}
    if not series:
        return
    data = "".join("# %s\n%s\n\n\n" % (label, "\n".join("%g %g" % p for p in pts))
                   for label, pts in series.items())
    plots = ", ".join('"%s/%s.dat" index %d with linespoints lw 2 title "%s"'
                      % (out, name, i, label) for i, label in enumerate(series))
    script = ('set title "%s"\nset xlabel "%s"\nset ylabel "%s"\nset logscale x 2\n%s'
              'plot %s\n' % (title, xlabel, ylabel, "set logscale y\n" if logy else "", plots))
    write(name, data, script)


def bars_plot(name, title, ylabel, labels, values, logy=False):
    if not labels:
        return
    data = "".join('"%s" %g\n' % (label, v) for label, v in zip(labels, values))
    script = ('set title "%s"\nset ylabel "%s"\nset style fill solid 0.6\nset boxwidth 0.6\n'
              'set xtics rotate by -30\nset rmargin 12\nset bmargin 8\nset yrange [0:*]\n%s'
              'plot "%s/%s.dat" using 0:2:xtic(1) with boxes notitle, '
              '"" using 0:2:(sprintf("%%.0f", $2)) with labels offset 0,1 notitle\n'
              % (title, ylabel, "set logscale y\nset yrange [1:*]\n" if logy else "", out, name))
    write(name, data, script)


# seqio: MB/s against batch size, one plot per flush mode.
seqio = [r for r in rows if r["suite"] == "seqio"]
for flush in ("none", "group", "each"):
    series = collections.OrderedDict()
    for r in seqio:
        if r["params"].get("flush") != flush:
            continue
        label = r["name"].rsplit(" ", 2)[0]  # "raw buffered", "uring", ...
        series.setdefault(label, []).append((int(r["params"]["block_bytes"]) / 1024,
                                             r["mb_per_s"]))
    lines_plot("seqio_flush_" + flush, "seqio: sequential append, flush=%s" % flush,
               "batch size (KiB)", "MB/s", series, logy=True)

# batching: MB/s against records per batch, per record size, backend and acks.
batching = [r for r in rows if r["suite"] == "batching"]
for size in sorted({r["params"].get("record_bytes") for r in batching} - {None}):
    series = collections.OrderedDict()
    for r in batching:
        p = r["params"]
        if p.get("record_bytes") != size:
            continue
        if r["backend"]:
            label = "%s acks=%s" % (r["backend"], p.get("acks"))
        else:
            label = r["name"].rsplit(" ", 1)[0]  # "loopback tcp", "raw disk write"
        series.setdefault(label, []).append((int(p["records_per_batch"]), r["mb_per_s"]))
    lines_plot("batching_%sB" % size, "batching: produce over loopback, %s B records" % size,
               "records per batch", "MB/s", series, logy=True)

# zerocopy: consume MB/s of the three ways to send the same bytes.
zc = [r for r in rows if r["suite"] == "zerocopy" and r["name"] != "zero-copy vs copy"]
bars_plot("zerocopy", "zerocopy: hot consume, zero-copy vs copy vs raw sendfile", "MB/s",
          [("%s %s" % (r["backend"], r["name"])).strip() for r in zc],
          [r["mb_per_s"] for r in zc])

# latency: percentiles against the offered rate, one plot per backend.
latency = [r for r in rows if r["suite"] == "latency" and r.get("latency")]
for backend in sorted({r["backend"] for r in latency}):
    series = collections.OrderedDict()
    for r in latency:
        if r["backend"] != backend:
            continue
        setup = r["name"].rsplit(" ", 2)[0]
        rate = int(r["params"].get("target_records_per_s", 0))
        for key, label in (("p50_us", "p50"), ("p99_us", "p99"), ("p999_us", "p99.9")):
            series.setdefault("%s %s" % (setup, label), []).append((rate, r["latency"][key]))
    lines_plot("latency_" + backend, "latency: produce to consume, %s" % backend,
               "records/s offered", "microseconds", series, logy=True)

# backends: each figure side by side with its raw baseline.
backends = [r for r in rows if r["suite"] == "backends"]
bars_plot("backends", "backends: in-process engine vs raw files", "MB/s (log)",
          [r["name"] for r in backends], [r["mb_per_s"] for r in backends], logy=True)
PY

for gp in "$dir"/plots/*.gp; do
  gnuplot "$gp"
done
echo "plot.sh: $(ls "$dir"/plots/*.png | wc -l) plots in $dir/plots"
