#!/usr/bin/python3
"""The long form of tests/integration/test_request_memory.py: starts `ringlog serve`, opens
N connections that each send only a size prefix of --request_bytes (some then trickle the
body, some send --fill_mib of it and stall), and while they hold, times a real client's
ApiVersions, Metadata and produce round trips for --seconds. Prints the figures and appends
them as one JSON line to results/request_memory/<date>_<sha>.jsonl.

The broker's RSS is watched throughout; past --abort_rss_mib the attack stops (the broker is
killed) so that a build without the bound cannot exhaust the machine, and the figures say so.

  scripts/request_memory_attack.py                      # 200 connections, broker defaults
  scripts/request_memory_attack.py --connections 30 --binary /tmp/old-ringlog --label before
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import ringlog_fixture  # noqa: E402
from memory_attack import (MIB, Attack, RssWatch, percentile, probe_api_versions,  # noqa: E402
                           round_trips, rss_bytes)


def git_revision():
    sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return sha + ("-dirty" if dirty else "")


def latency(values):
    return {"p50_ms": round(percentile(values, 0.5) * 1000, 2),
            "p99_ms": round(percentile(values, 0.99) * 1000, 2),
            "max_ms": round(max(values) * 1000, 2), "count": len(values)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "ringlog"))
    parser.add_argument("--backend", default="uring")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--trickle", type=int, default=20, help="of the connections")
    parser.add_argument("--fill", type=int, default=0, help="of the connections")
    parser.add_argument("--fill_mib", type=int, default=24)
    parser.add_argument("--request_bytes", type=int, default=104857600)
    parser.add_argument("--pool_mib", type=int, default=0,
                        help="--queued_max_request_bytes in MiB; 0: the broker's default")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--abort_rss_mib", type=int, default=3072)
    parser.add_argument("--label", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()

    ringlog_fixture.BINARY = args.binary
    extra = ["--socket_request_max_bytes=%d" % args.request_bytes, "--num_partitions=1"]
    if args.pool_mib:
        extra.append("--queued_max_request_bytes=%d" % (args.pool_mib * MIB))
    broker = ringlog_fixture.Broker(extra, backend=args.backend).start()
    result = {"suite": "request_memory", "label": args.label, "backend": args.backend,
              "params": {"connections": args.connections, "trickle": args.trickle,
                         "fill": args.fill, "fill_mib": args.fill_mib,
                         "request_bytes": args.request_bytes, "pool_mib": args.pool_mib,
                         "seconds": args.seconds, "binary": args.binary},
              "git_revision": git_revision(),
              "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    attack = None
    try:
        round_trips(broker.bootstrap, "attack", rounds=1)
        baseline = rss_bytes(broker.proc.pid)
        watch = RssWatch(broker.proc.pid)
        watch.start()

        def guard():
            if watch.last > args.abort_rss_mib * MIB:
                raise OverflowError("RSS %.0f MiB after %d connections" % (
                    watch.last / MIB, len(attack.sockets)))

        idle = args.connections - args.trickle - args.fill
        attack = Attack(broker.port, args.request_bytes, idle=idle, trickle=args.trickle,
                        fill=args.fill, fill_bytes=args.fill_mib * MIB)
        started = time.monotonic()
        try:
            attack.open(check=guard)
            attack.wait_until_stalled()
            times = {"raw ApiVersions": [], "ApiVersions": [], "Metadata": [], "Produce": []}
            errors = []
            while time.monotonic() - started < args.seconds:
                guard()
                try:
                    times["raw ApiVersions"].append(probe_api_versions(broker.port))
                    batch, _ = round_trips(broker.bootstrap, "attack", rounds=10, timeout=10.0)
                except Exception as failure:  # a client that gave up is a figure too
                    errors.append("%s: %s" % (type(failure).__name__, failure))
                    continue
                for kind, values in batch.items():
                    times[kind].extend(values)
            result["latency"] = {kind: latency(values) for kind, values in times.items() if values}
            result["client_errors"] = errors
        except OverflowError as overflow:
            result["aborted"] = str(overflow)
        watch.stop()
        result["rss"] = {"baseline_mib": round(baseline / MIB, 1),
                         "peak_mib": round(watch.peak / MIB, 1),
                         "after_open_s": round(time.monotonic() - started, 1)}
        result["filled_mib"] = round(attack.body_bytes_sent() / MIB, 1)
    finally:
        if attack is not None:
            attack.close()
        broker.close()

    print(json.dumps(result, indent=2))
    out = args.out or os.path.join(ROOT, "results", "request_memory", "%s_%s.jsonl" % (
        datetime.date.today().isoformat(), result["git_revision"]))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "a") as f:
        f.write(json.dumps(result) + "\n")
    print("appended to %s" % out)


if __name__ == "__main__":
    main()
