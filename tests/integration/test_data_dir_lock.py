"""One process per data directory (issue 11, item 1). A second `ringlog serve` on a data
dir in use used to start and append to the same segment files, so that one broker's
acknowledged records overwrote the other's. Now it exits non-zero at once, naming the dir
and the holder's pid, while the first broker goes on serving with its data intact; the
bench harness refuses the directory the same way."""

import os
import socket
import subprocess
import unittest

from kafka_helpers import ck_consume, ck_produce, ck_producer
from ringlog_fixture import BACKEND, BINARY, Broker, free_port


def values(messages):
    return [(m.partition(), m.offset(), m.value()) for m in messages]


class DataDirLockTest(unittest.TestCase):

    def setUp(self):
        self.first = Broker().start()
        self.addCleanup(self.first.close)

    def produce(self, broker, first, count):
        batch = [(None, b"m%05d" % i, None, None) for i in range(first, first + count)]
        ck_produce(ck_producer(broker.bootstrap, acks="all"), "owned", batch)

    def test_second_broker_on_the_dir_exits_naming_dir_and_pid(self):
        self.produce(self.first, 0, 200)
        port = free_port()
        try:
            second = subprocess.run(
                [BINARY, "serve", "--listen=127.0.0.1:%d" % port, "--advertised_host=127.0.0.1",
                 "--data_dir=" + self.first.data_dir, "--backend=" + BACKEND],
                capture_output=True, text=True, timeout=20)
        except subprocess.TimeoutExpired:
            self.fail("a second broker started on a data dir in use")
        self.assertNotEqual(second.returncode, 0)
        self.assertIn(self.first.data_dir, second.stderr)
        self.assertIn("pid %d" % self.first.proc.pid, second.stderr)
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()

        # The first broker still serves, and what both phases acknowledged is there, in
        # order, before and after a restart.
        self.assertTrue(self.first.alive())
        self.produce(self.first, 200, 200)
        expected = [(0, i, b"m%05d" % i) for i in range(400)]
        self.assertEqual(values(ck_consume(self.first.bootstrap, "owned", 400)), expected)
        self.assertEqual(self.first.stop(), 0)
        self.first.start()
        self.assertEqual(values(ck_consume(self.first.bootstrap, "owned")), expected)

    def test_the_lock_goes_with_the_broker_even_on_kill_9(self):
        self.produce(self.first, 0, 50)
        self.first.kill()
        self.first.start()
        self.assertEqual(values(ck_consume(self.first.bootstrap, "owned")),
                         [(0, i, b"m%05d" % i) for i in range(50)])

    def test_bench_refuses_a_data_dir_in_use(self):
        out = os.path.join(self.first.data_dir + "-bench.jsonl")
        self.addCleanup(lambda: os.path.exists(out) and os.remove(out))
        bench = subprocess.run(
            [BINARY, "bench", "seqio", "--backend=" + BACKEND, "--duration=0.05",
             "--repetitions=1", "--data_dir=" + self.first.data_dir, "--out=" + out],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(bench.returncode, 2, bench.stderr[-2000:])
        self.assertIn("pid %d" % self.first.proc.pid, bench.stderr)
        self.assertFalse([n for n in os.listdir(self.first.data_dir) if n.startswith("seqio")])


if __name__ == "__main__":
    unittest.main()
