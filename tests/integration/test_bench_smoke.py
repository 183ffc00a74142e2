"""`ringlog bench`: every suite runs end to end at a tiny duration and size on the backend
under test, exits 0, and writes JSON lines that parse and carry every field of a
measurement, the git revision, the machine and the date, with positive figures and
ratios. Bad suites and bad flags fail with a message and a non-zero exit code."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from ringlog_fixture import BACKEND, BINARY

SUITES = ["seqio", "backends", "batching", "zerocopy", "latency", "librdkafka", "replication",
          "failover", "metrics", "transactions"]
FIELDS = ["suite", "name", "backend", "params", "mb_per_s", "records_per_s", "latency",
          "repetitions", "baseline_name", "baseline_mb_per_s", "ratio", "git_revision",
          "date", "machine"]
MACHINE_FIELDS = ["cpu_model", "cores", "memory_bytes", "kernel", "filesystem", "device"]
TINY = ["--duration=0.05", "--repetitions=1"]


class BenchSmokeTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ringlog-bench-smoke-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def bench(self, *args, timeout=120):
        return subprocess.run([BINARY, "bench"] + list(args), capture_output=True, text=True,
                              timeout=timeout, cwd=self.dir)

    def run_suite(self, suite, has_baselines=True, extra=(), throughput=True):
        """throughput=False: the suite's figures are not all throughputs (its test checks
        them)."""
        out = os.path.join(self.dir, suite + ".jsonl")
        result = self.bench(suite, "--backend=" + BACKEND, "--out=" + out,
                            "--data_dir=" + os.path.join(self.dir, "data"), *TINY, *extra)
        self.assertEqual(result.returncode, 0,
                         "ringlog bench %s failed:\n%s" % (suite, result.stderr[-4000:]))
        # The table ends the run; progress and per-figure lines go to stderr.
        self.assertIn("ratio", result.stdout)
        self.assertIn("== %s done" % suite, result.stderr)
        with open(out) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        self.assertTrue(lines, "no measurement written")
        for m in lines:
            for field in FIELDS:
                self.assertIn(field, m)
            for field in MACHINE_FIELDS:
                self.assertIn(field, m["machine"])
            self.assertEqual(m["suite"], suite)
            self.assertIn(m["backend"], ("", BACKEND))
            self.assertTrue(m["git_revision"])
            self.assertRegex(m["date"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertEqual(m["repetitions"], 1)
            self.assertIsInstance(m["params"], dict)
            if throughput:
                self.assertGreater(max(m["mb_per_s"], m["records_per_s"]), 0, m["name"])
            if m["baseline_name"]:
                self.assertGreater(m["ratio"], 0, m["name"])
                self.assertGreater(m["baseline_mb_per_s"], 0, m["name"])
            if m["latency"] is not None:
                self.assertGreater(m["latency"]["p99_us"], 0, m["name"])
                self.assertGreaterEqual(m["latency"]["p99_us"], m["latency"]["p50_us"])
        if has_baselines:
            self.assertTrue(any(m["baseline_name"] for m in lines), "no figure has a baseline")
        # Every scratch directory is gone; the lock file stays, as a broker's does.
        self.assertEqual(os.listdir(os.path.join(self.dir, "data")), [".lock"])
        return lines

    def test_seqio(self):
        lines = self.run_suite("seqio")
        names = {m["name"] for m in lines}
        for flush in ("none", "group", "each"):
            self.assertIn("%s 64KiB flush=%s" % (BACKEND, flush), names)
            self.assertIn("raw buffered 64KiB flush=%s" % flush, names)

    def test_backends(self):
        lines = self.run_suite("backends")
        figures = {m["params"]["figure"] for m in lines if m["backend"] == BACKEND}
        self.assertEqual(figures, {"produce", "consume", "restart clean",
                                   "recovery after crash", "retention delete"})

    def test_batching(self):
        self.run_suite("batching")

    @unittest.skipUnless(BACKEND == "uring", "zero-copy reads are the uring backend's")
    def test_zerocopy(self):
        self.run_suite("zerocopy")

    def test_latency(self):
        lines = self.run_suite("latency", has_baselines=False)
        self.assertTrue(all(m["latency"] is not None for m in lines))

    def test_librdkafka(self):
        lines = self.run_suite("librdkafka")
        # The idempotent producer (issue 13) runs beside the plain one, compared with it.
        cases = {m["name"]: m for m in lines if m["backend"] == BACKEND}
        idempotent = cases["librdkafka 100 B idempotent"]
        self.assertEqual(idempotent["params"]["enable.idempotence"], "true")
        self.assertEqual(idempotent["baseline_name"], "librdkafka 100 B acks=all")
        self.assertIn("librdkafka 100 B acks=1", cases)
        self.assertIn("librdkafka 100 B acks=all 5 in flight", cases)

    def test_replication(self):
        # A private ZooKeeper and 3 brokers; RF=3 beside RF=1 in the same run.
        lines = self.run_suite("replication", extra=["--replication_producers=2",
                                                     "--replication_partitions=2",
                                                     "--replication_latency_rate=1000"])
        cases = {m["name"]: m for m in lines}
        rf3 = cases["RF=3 acks=all 2 producers 1024 B"]
        self.assertEqual(rf3["baseline_name"], "RF=1 acks=1 2 producers 1024 B")
        self.assertEqual(rf3["params"]["replication_factor"], "3")
        self.assertEqual(rf3["params"]["target_ratio"], "0.50")
        # The ISR of each RF=3 partition after the runs: 1 to 3 members.
        sizes = rf3["params"]["isr_sizes_after"].split(",")
        self.assertEqual(len(sizes), 2, rf3["params"])
        self.assertTrue(all(s in ("1", "2", "3") for s in sizes), rf3["params"])
        self.assertEqual(cases["RF=1 acks=all 2 producers 1024 B"]["baseline_name"],
                         "RF=1 acks=1 2 producers 1024 B")
        self.assertEqual(cases["RF=1 acks=1 2 producers 1024 B"]["params"]["acks"], "1")
        latency = cases["RF=3 acks=all 1000 records/s end to end"]
        self.assertEqual(latency["params"]["target_p99_us"], "5000")
        self.assertEqual(latency["params"]["acks"], "all")
        self.assertIsNotNone(latency["latency"])
        # The same-run latency without replication.
        self.assertEqual(cases["RF=1 acks=all 1000 records/s end to end"]["params"]
                         ["replication_factor"], "1")

    def test_failover(self):
        # A private ZooKeeper and 3 brokers with 2 s sessions (a 4th joins): one kill -9, one
        # SIGTERM under a producer, one reassignment of a 1 MiB partition (or its refusal).
        lines = self.run_suite("failover", has_baselines=False, throughput=False,
                               extra=["--failover_kills=1", "--failover_reassign_bytes=1048576"])
        cases = {m["name"]: m for m in lines}
        for m in lines:
            self.assertEqual(m["params"]["zookeeper_session_timeout_ms"], "2000", m["name"])
        # The one kill: of a leader, or of a leader that is also the controller.
        kills = [m for m in lines if m["params"].get("fault") == "kill -9"]
        self.assertEqual([m["params"]["kills"] for m in kills], ["1"])
        kill = kills[0]
        self.assertEqual(kill["params"]["target_ms"], "3000")
        self.assertEqual(kill["params"]["acks"], "all")
        # The figure is the time from kill -9 to the successor's first acks=all answer: at
        # least a part of the session timeout, in the latency columns.
        self.assertGreater(kill["latency"]["p50_us"], 0)
        self.assertRegex(kill["params"]["failover_ms"], r"^\d+$")
        shutdown = cases["SIGTERM of a leader under an idempotent acks=all producer: "
                         "leadership moved"]
        self.assertEqual(shutdown["params"]["fault"], "SIGTERM")
        self.assertEqual(shutdown["params"]["target_failed_deliveries"], "0")
        self.assertEqual(shutdown["params"]["target_move_ms"], "1000")
        self.assertGreaterEqual(int(shutdown["params"]["failed_deliveries"]), 0)
        self.assertGreater(int(shutdown["params"]["deliveries"]), 0)
        self.assertEqual(shutdown["params"]["clean_exits"], "1")
        self.assertGreater(shutdown["latency"]["p50_us"], 0)
        self.assertGreater(shutdown["records_per_s"], 0)
        move = cases["reassignment of a 1 MiB partition onto a new broker: producer acks=all "
                     "during the move"]
        self.assertEqual(move["params"]["brokers"], "4")
        self.assertEqual(move["params"]["new_broker"], "4")
        if move["params"]["outcome"] == "moved":
            self.assertGreater(move["mb_per_s"], 0)
            self.assertGreater(move["ratio"], 0)
            self.assertGreater(move["latency"]["p50_us"], 0)
        else:
            # A cluster without reassignment refuses it, and the case invents no figure.
            self.assertRegex(move["params"]["outcome"], r"^refused: ")
            self.assertEqual((move["mb_per_s"], move["records_per_s"], move["latency"]),
                             (0, 0, None))

    def test_metrics(self):
        # Produce with /metrics scraped every second beside produce without, same broker.
        lines = self.run_suite("metrics")
        cases = {m["name"]: m for m in lines}
        scraped = cases["produce, /metrics scraped every 1 s"]
        self.assertEqual(scraped["baseline_name"], "produce, /metrics not scraped")
        self.assertEqual(scraped["params"]["target_ratio"], "0.98")
        self.assertIn("scrapes", scraped["params"])
        self.assertGreaterEqual(float(scraped["params"]["broker_cpu_ms_per_scrape"]), 0)
        for case in cases.values():
            self.assertGreaterEqual(
                float(case["params"]["broker_cpu_s_per_million_records"]), 0, case["params"])

    def test_transactions(self):
        # Transactional produce beside idempotent, read_committed beside read_uncommitted.
        lines = self.run_suite("transactions")
        cases = {m["name"]: m for m in lines}
        txn = cases["librdkafka 100 B transactional 1000 records/txn"]
        self.assertEqual(txn["baseline_name"], "librdkafka 100 B idempotent")
        self.assertEqual(txn["params"]["records_per_transaction"], "1000")
        self.assertEqual(txn["params"]["target_ratio"], "0.80")
        self.assertGreaterEqual(int(txn["params"]["transactions"]), 1)
        self.assertTrue(0 < float(txn["params"]["commit_share"]) <= 1, txn["params"])
        # Where a transaction's time goes: the broker's share of each request (read from its
        # /metrics) and the rest, which add up to the transaction's wall time. Concurrent
        # Produce requests each count whole, so on a loaded machine the broker's share alone
        # may pass the wall time: no bound on it here.
        broker = [float(txn["params"]["broker_ms_per_txn_" + api])
                  for api in ("AddPartitionsToTxn", "Produce", "EndTxn")]
        self.assertTrue(all(ms > 0 for ms in broker), txn["params"])
        wall = float(txn["params"]["wall_ms_per_txn"])
        self.assertAlmostEqual(sum(broker) + float(txn["params"]["outside_broker_ms_per_txn"]),
                               wall, delta=0.01)
        self.assertEqual(cases["librdkafka 100 B idempotent"]["params"]["enable.idempotence"],
                         "true")
        committed = cases["fetch read_committed"]
        uncommitted = cases["fetch read_uncommitted"]
        self.assertEqual(committed["baseline_name"], "fetch read_uncommitted")
        self.assertEqual(committed["params"]["isolation_level"], "1")
        self.assertEqual(uncommitted["params"]["isolation_level"], "0")
        # The same committed data, no aborts: the same bytes, no aborted transaction listed.
        self.assertEqual(committed["params"]["bytes_per_pass"],
                         uncommitted["params"]["bytes_per_pass"])
        self.assertGreater(int(committed["params"]["bytes_per_pass"]), 100 * 1000)
        self.assertEqual(committed["params"]["aborted_transactions_listed"], "0")

    def test_unknown_suite(self):
        result = self.bench("nosuchsuite")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("unknown suite 'nosuchsuite'", result.stderr)

    def test_missing_suite(self):
        result = self.bench()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ringlog bench", result.stderr)

    def test_bad_flags(self):
        for flag, message in [("--backend=floppy", "unknown --backend 'floppy'"),
                              ("--duration=0", "--duration"),
                              ("--repetitions=0", "--repetitions"),
                              ("--replication_producers=0", "--replication_producers"),
                              ("--replication_record_bytes=4", "--replication_record_bytes"),
                              ("--metrics_scrape_interval_ms=0", "--metrics_scrape_interval_ms"),
                              ("--failover_kills=0", "--failover_kills"),
                              ("--failover_reassign_bytes=1000", "--failover_reassign_bytes"),
                              ("--no_such_flag=1", "no_such_flag")]:
            result = self.bench("seqio", flag)
            self.assertNotEqual(result.returncode, 0, flag)
            self.assertIn(message, result.stderr, flag)


if __name__ == "__main__":
    unittest.main()
