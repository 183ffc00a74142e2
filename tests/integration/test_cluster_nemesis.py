"""The nemesis test (issue 16): a private ZooKeeper and 3 brokers, each reaching ZooKeeper
through a proxy the test can cut; a 6-partition topic with 3 replicas and
min.insync.replicas=2; two idempotent librdkafka producers and a kafka-python producer
writing unique values with acks=all and recording every acknowledgement, and a consumer
group of two members reading throughout. A seeded nemesis (nemesis/faults.py) kills
leaders and the controller with kill -9, pauses brokers past their session timeout,
restarts them with SIGTERM and cuts them off from ZooKeeper, at random moments, bounded in
count and time. Then every fault is healed, the producers flush, and the checker
(nemesis/checker.py) reads every partition from its final leader and every replica from
its disk, and judges: nothing acknowledged lost, nothing stored twice, acknowledgement order
kept, no read of data later truncated, in-sync replicas byte-identical below the high
watermark; and every value answered, unless its producer's own log shows the client
holding it on a broker that refuses it as not the leader (a librdkafka defect, counted
apart). The time each partition spent without a leader is printed.

The environment sets the run (scripts/nemesis.sh runs the long form):
  RINGLOG_NEMESIS_SEED     the seed (default: a random one, printed first)
  RINGLOG_NEMESIS_FAULTS   at most this many faults (default 40)
  RINGLOG_NEMESIS_SECONDS  no fault starts later than this (default 75)
  RINGLOG_NEMESIS_REPORT   append the run's figures to this file as one JSON line
"""

import json
import os
import pickle
import random
import sys
import tempfile
import time
import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import SESSION_TIMEOUT_MS, shared_zookeeper, wait_until
from nemesis.availability import LeaderMonitor
from nemesis.checker import check
from nemesis.cluster import NemesisCluster
from nemesis.faults import Nemesis
from nemesis.replicas import leader_logs, replica_logs, settled_high_watermarks
from nemesis.workload import Workload
from ringlog_fixture import BACKEND

TOPIC = "nemesis"
PARTITIONS = 6
RATE = 150  # values per second from each librdkafka producer, half that from kafka-python
BROKER_ARGS = ("--replica_lag_time_max_ms=5000", "--offsets_topic_replication_factor=3",
               "--offsets_topic_num_partitions=3", "--group_initial_rebalance_delay_ms=500")


def say(text):
    sys.stderr.write("[nemesis %s] %s\n" % (time.strftime("%H:%M:%S"), text))
    sys.stderr.flush()


class NemesisTest(unittest.TestCase):
    def setUp(self):
        self.seed = int(os.environ.get("RINGLOG_NEMESIS_SEED") or
                        random.SystemRandom().randrange(1 << 31))
        self.max_faults = int(os.environ.get("RINGLOG_NEMESIS_FAULTS", "40"))
        self.seconds = float(os.environ.get("RINGLOG_NEMESIS_SECONDS", "75"))
        say("seed %d (RINGLOG_NEMESIS_SEED=%d reruns this schedule), backend %s, up to %d "
            "faults in %.0fs" % (self.seed, self.seed, BACKEND, self.max_faults, self.seconds))
        self.cluster = NemesisCluster(shared_zookeeper(), TOPIC, 3, extra_args=BROKER_ARGS,
                                      session_timeout_ms=SESSION_TIMEOUT_MS)
        self.addCleanup(self.cluster.close)
        self.cluster.start()

    def create_topic(self):
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(),
                                 request_timeout_ms=15000)
        try:
            admin.create_topics([NewTopic(TOPIC, PARTITIONS, 3,
                                          topic_configs={"min.insync.replicas": "2"})])
        finally:
            admin.close()
        wait_until(self.cluster.recovered, 30, "the topic's leaders and ISRs",
                   details=self.cluster.log_tails)

    def test_nothing_acknowledged_is_lost(self):
        try:
            self.run_nemesis()
        except BaseException:
            self.keep_logs()
            raise

    def keep_logs(self):
        """Copies every broker's output and ZooKeeper's to a directory that outlives the
        test, for the report of what went wrong."""
        kept = os.path.join(tempfile.gettempdir(), "ringlog-nemesis-%s-%d" % (BACKEND,
                                                                               self.seed))
        os.makedirs(kept, exist_ok=True)
        for i, broker in self.cluster.brokers.items():
            with open(os.path.join(kept, "broker-%d.log" % i), "w") as f:
                f.write(broker.output())
        with open(os.path.join(kept, "zookeeper.log"), "w") as f:
            f.write(self.cluster.zookeeper.output())
        say("logs kept in %s" % kept)

    def run_nemesis(self):
        self.create_topic()
        workload = Workload(self.cluster.bootstrap(), TOPIC, PARTITIONS, RATE)
        nemesis = Nemesis(self.cluster, TOPIC, PARTITIONS, random.Random(self.seed), say)
        monitor = LeaderMonitor(self.cluster.connect, TOPIC, PARTITIONS, nemesis.impaired)
        started = time.time()
        workload.start()
        monitor.start()
        wait_until(lambda: all(h.acks for h in workload.histories), 30,
                   "a first acknowledgement to every producer", details=self.cluster.log_tails)

        nemesis.run(self.max_faults, self.seconds, grow_to=4)
        fault_seconds = time.time() - started
        say("faults over after %.0fs; healing" % fault_seconds)
        self.cluster.heal_all()
        nemesis.restart_crashed()
        wait_until(self.cluster.recovered, 60, "the cluster to recover after the last fault",
                   details=lambda: "%s\nfaults: %s%s" % (self.cluster.unsynced_history(),
                                                          nemesis.applied,
                                                          self.cluster.log_tails()))
        if nemesis.reassignment.get("supported"):
            moved = nemesis.wait_reassigned(60)
            say("reassignment %s completed %s" % (
                nemesis.reassignment["targets"],
                "after %.1fs" % moved if moved is not None else "NOT within 60s"))
            nemesis.reassignment["seconds"] = moved
        acked_before = workload.acked_count()
        wait_until(lambda: workload.acked_count() > acked_before + 100, 30,
                   "acknowledgements after the faults", details=self.cluster.log_tails)
        say("recovered; stopping the producers")
        workload.stop_producers(timeout=60)
        monitor.stop()
        say("producers stopped")

        leaders = settled_high_watermarks(self.cluster, TOPIC, PARTITIONS)
        logs = leader_logs(self.cluster, TOPIC, leaders)
        ends = {p: hw for p, (_, hw) in leaders.items()}
        say("final leaders and high watermarks %s read" % leaders)

        def highest():
            return {p: max(r.highest.get(p, -1) for r in workload.readers) for p in ends}

        wait_until(lambda: all(highest()[p] >= end - 1 for p, end in ends.items()), 60,
                   "the group to read up to the high watermarks %s" % ends,
                   details=lambda: " (read up to %s)" % highest())
        say("the group read up to the high watermarks")
        workload.stop_readers()
        say("the group's members closed in %s s; reading every replica" % (
            [round(getattr(r, "close_seconds", -1), 1) for r in workload.readers]))
        holders = {p: s["isr"] for p, (s, _) in self.cluster.partition_states(TOPIC).items()}
        replicas, stop_codes = replica_logs(self.cluster, TOPIC, holders)

        verdict = check(logs, workload.histories, workload.consumed(), replicas)
        if os.environ.get("RINGLOG_NEMESIS_DUMP"):
            with open(os.environ["RINGLOG_NEMESIS_DUMP"], "wb") as f:
                pickle.dump(dict(t0=nemesis.t0, faults=nemesis.applied, logs=logs,
                                 readers={r.name: dict(seen=r.seen, jumps=r.jumps,
                                                       events=r.events, lines=r.lines)
                                          for r in workload.readers},
                                 producers={p.history.name: getattr(p, "lines", [])
                                            for p in workload.producers}), f)
        for h in workload.histories:
            for error in h.fatal:
                verdict.add("producer fatal", "%s: %s" % (h.name, error))
        moves = nemesis.reassignment
        if moves.get("supported") and (moves["error"] != 0 or moves["seconds"] is None or
                                       any(e != 0 for e, _ in moves["answers"].values())):
            verdict.add("reassignment", "%s" % moves)
        for crash in nemesis.crashes:
            verdict.add("broker exited", "broker %d with code %s after fault %d: %s" % (
                crash["broker"], crash["code"], crash["after_fault"], crash["output"]))
        final_leaders = {p: leader for p, (leader, _) in leaders.items()}
        for p in workload.producers:
            if p.undelivered:
                self.judge_undelivered(p, final_leaders, verdict)
                for t, text in getattr(p, "tail", ()):
                    say("%s log at %.1fs: %s" % (p.history.name, t - nemesis.t0, text))
        leaderless = monitor.report()
        self.report(verdict, nemesis, leaderless, fault_seconds, stop_codes, workload)
        self.assertTrue(verdict.ok, "seed %d:\n%s\nfaults: %s" % (
            self.seed, verdict.summary(), nemesis.applied))
        self.assertFalse(nemesis.unrecovered, "the cluster did not recover after faults %s "
                         "(seed %d)" % (nemesis.unrecovered, self.seed))
        self.assertEqual(set(stop_codes.values()), {0}, "exit codes on SIGTERM")

    @staticmethod
    def judge_undelivered(producer, final_leaders, verdict):
        """Values a producer never got an answer for are a violation, unless the client's
        own log shows that, in the last seconds of its flush, it held each of their
        partitions on a broker that refused it as not the leader, while its metadata named
        the partition's final leader (a librdkafka defect, see ProducerHistory.misrouted):
        then they are counted, not judged. Everything acknowledged is checked either way."""
        history = producer.history
        per_partition = history.unanswered_per_partition()
        text = "%s: %s values unanswered after the flush, per partition %s" % (
            history.name, producer.undelivered, per_partition)
        held = history.misrouted(final_leaders, producer.finished_at - 10)
        if per_partition and set(per_partition) <= set(held):
            verdict.figures["held by the client on a broker not the leader"] = text
            say("%s (the client kept sending partitions %s to a broker that refused them as "
                "not the leader, its metadata naming the leader: librdkafka's defect)" % (
                    text, held))
        else:
            verdict.add("undelivered", text)

    def report(self, verdict, nemesis, leaderless, fault_seconds, stop_codes, workload):
        say("seed %d: %d faults %s in %.0fs" % (self.seed, len(nemesis.applied),
                                                nemesis.counts(), fault_seconds))
        for line in verdict.summary().splitlines():
            say(line)
        failures = {}
        for h in workload.histories:
            for _, error in h.failures:
                failures[error] = failures.get(error, 0) + 1
        say("failed deliveries by error: %s" % failures)
        for h in workload.histories:
            for t, text in h.epoch_bumps[:5]:
                say("%s epoch bump at %.1fs: %s" % (h.name, t - nemesis.t0, text))
        say("group read errors: %s" % {k: v for r in workload.readers
                                       for k, v in r.errors.items()})
        for r in workload.readers:
            if r.jumps:
                say("%s passed over offsets %d times: %s" % (
                    r.name, len(r.jumps), ["%.1fs p%d %d->%d" % (t - nemesis.t0, p, a, b)
                                           for t, p, a, b in r.jumps[:10]]))
        for r in workload.readers:
            for t, text in r.resets:
                say("%s at %.1fs: %s" % (r.name, t - nemesis.t0, text))
        say("seconds without a leader per partition (total, longest): %s" % leaderless)
        recoveries = sorted(f["recovered"] for f in nemesis.applied
                            if f["recovered"] is not None)
        if recoveries:
            say("recovery after a fault: median %.1fs, max %.1fs" % (
                recoveries[len(recoveries) // 2], recoveries[-1]))
        path = os.environ.get("RINGLOG_NEMESIS_REPORT")
        if path:
            with open(path, "a") as f:
                f.write(json.dumps(dict(
                    seed=self.seed, backend=BACKEND, fault_seconds=round(fault_seconds, 1),
                    faults=nemesis.applied, fault_counts=nemesis.counts(),
                    unrecovered=nemesis.unrecovered, crashes=nemesis.crashes,
                    reassignment=nemesis.reassignment,
                    figures=verdict.figures,
                    violations=verdict.violations, violation_counts=dict(verdict.counts),
                    failed_deliveries=failures, leaderless=leaderless,
                    resent=verdict.resent[:20],
                    epoch_bumps={h.name: h.epoch_bumps for h in workload.histories
                                 if h.epoch_bumps},
                    stop_codes=stop_codes), default=str) + "\n")


if __name__ == "__main__":
    unittest.main()
