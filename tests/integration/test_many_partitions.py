"""No file-descriptor wall (issue 18): 10,000 partitions under a 1,024 open-files limit
(soft and hard, as `ulimit -n 1024` sets them) are created, produced to, read back,
restarted, read and produced to again, while the broker never holds more descriptors than
the limit. A broker whose soft limit is below the hard one raises it at start and says so.

The data directory lives on tmpfs (/dev/shm) when there is one: what is tested is the
descriptors, and on the shared CI disk removing 10,000 partition directories alone took
50 s, and the first append to each partition, which stores its leader epoch durably (two
fsyncs, ~9 ms there), 90 s. RINGLOG_MANY_PARTITIONS sets another partition count,
RINGLOG_MANY_PRODUCE_EVERY=N writes only every Nth partition (the others are read empty)."""

import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
import unittest
from unittest import mock

from many_partitions_wire import Client, batches_for, value_of
from ringlog_fixture import Broker

PARTITIONS = int(os.environ.get("RINGLOG_MANY_PARTITIONS", "10000"))
PRODUCE_EVERY = int(os.environ.get("RINGLOG_MANY_PRODUCE_EVERY", "1"))
PER_TOPIC = 1000
# Partitions per Produce request: each answers well within the client's timeout.
PRODUCE_CHUNK = 1000
LIMIT = 1024


def launch_with_limit(broker, soft, hard, timeout=60):
    """Starts `broker` with RLIMIT_NOFILE (soft, hard), as a shell's ulimit would."""
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        limit = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        return real_popen(*args, preexec_fn=limit, **kwargs)

    with mock.patch.object(subprocess, "Popen", popen):
        broker.launch()
    return broker.wait_listening(timeout)


def open_fds(broker):
    return len(os.listdir("/proc/%d/fd" % broker.proc.pid))


class ManyPartitionsTest(unittest.TestCase):

    def setUp(self):
        shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
        data_dir = tempfile.mkdtemp(prefix="ringlog-many-", dir=shm)
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        self.broker = Broker(data_dir=data_dir)
        self.addCleanup(lambda: os.path.exists(self.broker.log_path) and
                        os.remove(self.broker.log_path))
        self.addCleanup(self.broker.close)

    def client(self):
        client = Client(self.broker.port)
        self.addCleanup(client.close)
        return client

    def check_read(self, client, partitions, written, rounds):
        """Every partition of `written` holds the values of `rounds`; the others are empty.
        One Fetch for all of them, so that it holds more file slices than the limit."""
        fetched = client.fetch({tp: 0 for tp in partitions})
        self.assertEqual(len(fetched), len(partitions))
        for tp in partitions:
            error, high_watermark, records = fetched[tp]
            self.assertEqual(error, 0, tp)
            if tp not in written:
                self.assertEqual((high_watermark, records), (0, b""), tp)
                continue
            self.assertEqual(high_watermark, len(rounds), tp)
            for round_ in rounds:
                self.assertIn(value_of(tp[0], tp[1], round_), records, tp)

    def produce(self, client, partitions, round_, expected_offset):
        for i in range(0, len(partitions), PRODUCE_CHUNK):
            chunk = partitions[i:i + PRODUCE_CHUNK]
            results = client.produce(batches_for(chunk, round_))
            self.assertEqual(len(results), len(chunk))
            bad = {tp: r for tp, r in results.items() if r != (0, expected_offset)}
            self.assertEqual(bad, {}, "%d bad, first: %s" % (len(bad), list(bad.items())[:3]))

    def test_ten_thousand_partitions_under_1024(self):
        started = time.time()
        launch_with_limit(self.broker, LIMIT, LIMIT)
        start_s = time.time() - started
        topics = {"many-%d" % i: min(PER_TOPIC, PARTITIONS - i * PER_TOPIC)
                  for i in range((PARTITIONS + PER_TOPIC - 1) // PER_TOPIC)}
        partitions = [(t, p) for t, n in topics.items() for p in range(n)]
        written = partitions[::PRODUCE_EVERY]
        client = self.client()

        started = time.time()
        created = client.create_topics(topics)
        self.assertEqual(created, {t: (0, None) for t in topics})
        create_s = time.time() - started

        started = time.time()
        self.produce(client, written, 0, 0)
        self.check_read(client, partitions, set(written), [0])
        io_s = time.time() - started
        self.assertLess(open_fds(self.broker), LIMIT)

        started = time.time()
        client.close()
        self.assertEqual(self.broker.stop(), 0)
        stop_s = time.time() - started
        started = time.time()
        launch_with_limit(self.broker, LIMIT, LIMIT)
        restart_s = time.time() - started
        started = time.time()
        client = self.client()
        self.check_read(client, partitions, set(written), [0])
        self.produce(client, written, 1, 1)
        self.check_read(client, partitions, set(written), [0, 1])
        again_s = time.time() - started
        self.assertLess(open_fds(self.broker), LIMIT)

        output = self.broker.output()
        self.assertIn("open-files limit %d (hard limit %d)" % (LIMIT, LIMIT), output)
        # The internal topics' partitions are recovered too.
        recovering = [int(n) for n in re.findall(r"recovering (\d+) partitions", output)]
        self.assertTrue(recovering and recovering[-1] >= PARTITIONS, recovering)
        self.assertRegex(output, r"recovered %d partitions in [\d.]+ s" % recovering[-1])
        self.assertNotIn("Too many open files", output)
        print("\n%d partitions (%d written), limit %d: start %.1f s, create %.1f s, "
              "produce+fetch %.1f s, stop %.1f s, restart %.1f s, fetch+produce+fetch %.1f s"
              % (PARTITIONS, len(written), LIMIT, start_s, create_s, io_s, stop_s, restart_s,
                 again_s))

    def test_raises_soft_limit_to_hard(self):
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if hard == resource.RLIM_INFINITY or hard <= LIMIT:
            self.skipTest("needs a finite hard open-files limit above %d" % LIMIT)
        launch_with_limit(self.broker, LIMIT, hard, timeout=20)
        with open("/proc/%d/limits" % self.broker.proc.pid) as f:
            line = next(l for l in f if l.startswith("Max open files"))
        self.assertEqual(line.split()[3:5], [str(hard), str(hard)])
        self.assertIn("open-files limit %d (hard limit %d)" % (hard, hard), self.broker.output())


if __name__ == "__main__":
    unittest.main()
