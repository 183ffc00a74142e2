#!/usr/bin/python3
"""Runs two builds of one Google Benchmark binary in alternation and compares them.

Usage: scripts/compare_bench.py BASELINE CANDIDATE [--rounds N] [--filter REGEX] [--out DIR]

Each round runs BASELINE, then CANDIDATE (the order flips every round so that neither
always runs on a warmer machine), each with --benchmark_repetitions=3. The table gives, per
benchmark, the median over every repetition of every round of each binary's time per
iteration, and the ratio candidate / baseline (below 1: the candidate is faster). With
--out, the raw JSON of every run and the table (README.md) are written to DIR.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys


def run(binary, bench_filter):
    cmd = [binary, "--benchmark_repetitions=3", "--benchmark_format=json",
           "--benchmark_report_aggregates_only=false"]
    if bench_filter:
        cmd.append(f"--benchmark_filter={bench_filter}")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def times(report):
    """{benchmark name: [ns per iteration, ...]} over the repetitions of one run."""
    result = {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
        result.setdefault(b["run_name"], []).append(b["cpu_time"] * scale)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("baseline")
    ap.add_argument("candidate")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--filter", default="")
    ap.add_argument("--out")
    args = ap.parse_args()

    samples = {"baseline": {}, "candidate": {}}
    raw = []
    for round_index in range(args.rounds):
        order = ["baseline", "candidate"]
        if round_index % 2:
            order.reverse()
        for which in order:
            report = run(getattr(args, which), args.filter)
            raw.append({"round": round_index, "binary": which, "report": report})
            for name, values in times(report).items():
                samples[which].setdefault(name, []).extend(values)

    lines = ["| benchmark | baseline ns/iter (median) | candidate ns/iter (median) | "
             "candidate / baseline |", "|---|---:|---:|---:|"]
    for name in samples["baseline"]:
        if name not in samples["candidate"]:
            continue
        base = statistics.median(samples["baseline"][name])
        cand = statistics.median(samples["candidate"][name])
        lines.append(f"| {name} | {base:,.0f} | {cand:,.0f} | {cand / base:.2f} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "runs.json"), "w") as f:
            json.dump(raw, f)
        with open(os.path.join(args.out, "table.md"), "w") as f:
            f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
