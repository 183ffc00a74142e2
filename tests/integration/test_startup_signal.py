"""SIGTERM during a long start-up (issue 11, item 6): the broker used to block the stop
signals before opening the data dir and wait for them only once it served, so a SIGTERM
during a start-up that takes minutes was ignored until the end. Now it ends the process
at once, the next start recovers everything acknowledged, and while start-up runs the port
accepts nothing (item 8).

The slow start-up: a topic record claiming 10,000 partitions whose directories do not
exist, which start-up then creates one by one with their fsyncs (the record is written
into the uring backend's meta directory, backends/uring/uring_layout.h; the RocksDB
backend keeps its records inside the database, where a test cannot place one cheaply)."""

import os
import signal
import socket
import subprocess
import time
import unittest

from kafka_helpers import ck_consume, ck_produce, ck_producer
from ringlog_fixture import BACKEND, BINARY, Broker

SLOW_TOPIC_RECORD = "ringlog-topic 1\npartitions 10000\n"


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except ConnectionRefusedError:
        return True


@unittest.skipUnless(BACKEND == "uring", "the slow start-up is built from uring's meta files")
class StartupSignalTest(unittest.TestCase):

    def setUp(self):
        self.broker = Broker()
        self.addCleanup(self.broker.close)

    def test_sigterm_during_startup_exits_at_once_and_loses_nothing(self):
        self.broker.start()
        sent = [(None, b"kept-%04d" % i, None, None) for i in range(300)]
        ck_produce(ck_producer(self.broker.bootstrap, acks="all"), "kept", sent)
        self.assertEqual(self.broker.stop(), 0)
        meta = os.path.join(self.broker.data_dir, "meta", "topic.slow")
        with open(meta, "w") as f:
            f.write(SLOW_TOPIC_RECORD)

        log_path = self.broker.log_path + ".startup"
        self.addCleanup(lambda: os.path.exists(log_path) and os.remove(log_path))
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [BINARY, "serve", "--listen=127.0.0.1:%d" % self.broker.port,
                 "--data_dir=" + self.broker.data_dir, "--backend=" + BACKEND],
                stdout=log, stderr=subprocess.STDOUT)
        try:
            # Well into the start-up: partitions of the slow topic are being made.
            deadline = time.time() + 30
            while time.time() < deadline and not self.slow_partitions():
                time.sleep(0.05)
            time.sleep(0.5)
            self.assertIsNone(proc.poll(), "start-up ended too soon to be interrupted")
            self.assertTrue(refused(self.broker.port), "the port accepts during start-up")

            sent_at = time.time()
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.fail("SIGTERM during start-up was ignored for 5 s")
            self.assertLess(time.time() - sent_at, 3.0)
            self.assertEqual(code, -signal.SIGTERM)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        with open(log_path, "rb") as f:
            self.assertIn(b"during start-up", f.read())
        made = len(self.slow_partitions())
        self.assertGreater(made, 0)
        self.assertLess(made, 10000)

        # The operator drops the slow topic; the next start removes what the interrupted one
        # made of it and serves everything acknowledged before.
        os.remove(meta)
        self.broker.start()
        self.assertEqual([(m.offset(), m.value()) for m in ck_consume(self.broker.bootstrap, "kept")],
                         [(i, b"kept-%04d" % i) for i in range(300)])
        self.assertEqual(self.slow_partitions(), [])

    def slow_partitions(self):
        return [n for n in os.listdir(self.broker.data_dir) if n.startswith("slow-")]


if __name__ == "__main__":
    unittest.main()
