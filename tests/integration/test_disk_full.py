"""A full disk, on a 64 MiB tmpfs as the data dir: produce fills it until every write is
refused with KAFKA_STORAGE_ERROR; the broker keeps answering, commits offsets or refuses
them with an error code, and deletes a topic while full; the freed space takes writes
again, and so does space freed outside the broker, without a restart; SIGTERM while full
exits 0; after a restart every acknowledged record is there, in order, once, and no
refused one is.

The tmpfs needs root: the test skips, saying so, when it does not run as root; CI runs
as root, and there a tmpfs that cannot be mounted fails the test.
"""

import errno
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from confluent_kafka import Producer
from kafka.protocol.admin import DeleteTopicsRequest
from kafka.protocol.commit import OffsetCommitRequest, OffsetFetchRequest

from kafka_helpers import ck_consume, raw_request
from ringlog_fixture import Broker

COORDINATOR_NOT_AVAILABLE = 15
KAFKA_STORAGE_ERROR = 56
DISK_BYTES = 64 << 20
VALUE_BYTES = 16 << 10
TOPIC = "data"
VICTIM = "victim"
GROUP = "readers"


def value(record_id, size=VALUE_BYTES):
    """A record's value: its id, then bytes that differ per id (nothing compresses them)."""
    head = b"%08d:" % record_id
    return head + os.urandom(size - len(head))


def record_id(payload):
    return int(payload[:8])


class DiskFullTest(unittest.TestCase):

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("mounting the small tmpfs this test fills needs root")
        parent = tempfile.mkdtemp(prefix="ringlog-full-")
        self.addCleanup(shutil.rmtree, parent, ignore_errors=True)
        self.mount = os.path.join(parent, "data")
        os.mkdir(self.mount)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d" % DISK_BYTES, "tmpfs",
                                  self.mount], capture_output=True, text=True)
        if mounted.returncode != 0:
            self.fail("could not mount a tmpfs as root: %s" % mounted.stderr.strip())
        self.addCleanup(subprocess.run, ["umount", "-l", self.mount], check=False)
        open(self.filler_path(), "wb").close()
        # The broker's log goes next to the data dir, not onto the full disk.
        self.broker = Broker(["--num_partitions=1", "--log_segment_bytes=4194304"],
                             data_dir=self.mount).start()
        self.addCleanup(self.broker.close)
        self.producer = None
        self.next_id = 0
        self.acked = {}     # record id -> offset in TOPIC
        self.refused = set()

    def filler_path(self):
        return os.path.join(self.mount, "filler")

    def free_outside(self):
        os.truncate(self.filler_path(), 0)

    def fill_outside(self):
        """Takes every free byte of the disk with a file the broker does not know (made
        in setUp: on a full tmpfs not even an empty file can be created)."""
        fd = os.open(self.filler_path(), os.O_WRONLY | os.O_APPEND)
        try:
            for size in (1 << 20, 4096, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError as e:
                    self.assertEqual(e.errno, errno.ENOSPC)
        finally:
            os.close(fd)

    def produce(self, topic, count, size=VALUE_BYTES):
        """Produces `count` records of `size` bytes (acks=all, no retries, one request in
        flight); returns the error codes of the refused ones. Records of TOPIC are
        remembered."""
        if self.producer is None:
            self.producer = Producer({"bootstrap.servers": self.broker.bootstrap, "acks": "all",
                                      "retries": 0, "enable.idempotence": False,
                                      "max.in.flight.requests.per.connection": 1,
                                      "linger.ms": 2, "compression.type": "none",
                                      "message.timeout.ms": 15000})
        producer = self.producer
        errors = []

        def on_delivery(err, msg):
            rid = record_id(msg.value())
            if err is not None:
                errors.append(err.code())
                if topic == TOPIC:
                    self.refused.add(rid)
            elif topic == TOPIC:
                self.acked[rid] = msg.offset()

        for _ in range(count):
            producer.produce(topic, value=value(self.next_id, size), on_delivery=on_delivery)
            self.next_id += 1
            producer.poll(0)
        self.assertEqual(producer.flush(30), 0, "deliveries still pending")
        return errors

    def produce_until_full(self, topic):
        """Produces until the broker refuses even a single record, also a second later
        (RocksDB may still be deleting a WAL its last flush made obsolete); checks the
        refusals' error code."""
        for count in (16, 1):
            for _ in range(4 * DISK_BYTES // (count * VALUE_BYTES)):
                errors = self.produce(topic, count)
                if errors:
                    self.assertEqual(set(errors), {KAFKA_STORAGE_ERROR}, errors)
                    if count == 16:
                        break
                    time.sleep(1)
                    errors = self.produce(topic, count)
                    if errors:
                        self.assertEqual(errors, [KAFKA_STORAGE_ERROR])
                        return
            else:
                self.fail("the disk never filled")

    def produce_until_accepted(self, topic, timeout=20.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            errors = self.produce(topic, 1)
            if not errors:
                return
            self.assertEqual(errors, [KAFKA_STORAGE_ERROR])
            time.sleep(0.2)
        self.fail("writes did not resume within %.0fs:\n%s" % (
            timeout, "\n".join(line for line in self.broker.output().splitlines()
                               if "produce_api" not in line)[-4000:]))

    def assert_refused(self, topic):
        """A record 16 times the size of the last one refused is refused too: what the
        broker's background work may free meanwhile (a few kilobytes) does not let it in."""
        self.assertEqual(self.produce(topic, 1, 16 * VALUE_BYTES), [KAFKA_STORAGE_ERROR],
                         "a write went through on a full disk:\n" + self.broker.output()[-3000:])

    def request(self, request):
        return raw_request(self.broker.bootstrap, request)

    def commit(self, offset):
        response = self.request(OffsetCommitRequest[2](GROUP, -1, "", -1,
                                                       [(TOPIC, [(0, offset, "")])]))
        return response.topics[0][1][0][1]

    def committed(self):
        response = self.request(OffsetFetchRequest[1](GROUP, [(TOPIC, [0])]))
        return response.topics[0][1][0][1]

    def assert_answers(self):
        self.assertTrue(self.broker.alive(), self.broker.output()[-4000:])
        first = ck_consume(self.broker.bootstrap, TOPIC, 1)
        self.assertEqual(record_id(first[0].value()), min(self.acked))

    def test_full_disk(self):
        # 20 MiB that the deletion below gives back. Produced alone and first: the RocksDB
        # backend frees a blob file only once all of its batches are deleted, and this
        # fills two whole ones (its memtables are 8 MiB on this disk).
        self.assertEqual(self.produce(VICTIM, 1280), [])
        self.produce_until_full(TOPIC)
        self.assertTrue(self.acked, "nothing was acknowledged before the disk filled")

        # Full: every topic refuses writes, the broker still answers.
        self.assert_refused(TOPIC)
        self.assert_refused(VICTIM)
        self.assert_answers()
        # Committing offsets is a write too: accepted, or refused as the coordinator's
        # failure (a code clients retry), never a crash.
        self.assertIn(self.commit(1), (0, COORDINATOR_NOT_AVAILABLE))
        self.assert_answers()

        # A deletion works while full, and the space it frees takes writes again.
        response = self.request(DeleteTopicsRequest[1](topics=[VICTIM], timeout=10000))
        self.assertEqual(response.topic_error_codes, [(VICTIM, 0)])
        self.produce_until_accepted(TOPIC)
        self.assertEqual(self.commit(2), 0)
        self.assertEqual(self.committed(), 2)

        # Space taken and given back outside the broker: writes resume without a restart.
        self.fill_outside()
        self.assert_refused(TOPIC)
        self.assert_answers()
        self.free_outside()
        self.produce_until_accepted(TOPIC)

        # Full again, to the last byte, then SIGTERM: a clean stop.
        self.produce_until_full(TOPIC)
        self.fill_outside()
        self.assert_refused(TOPIC)
        self.producer = None
        self.assertEqual(self.broker.stop(), 0, self.broker.output()[-4000:])

        self.free_outside()
        self.broker.start()
        stored = ck_consume(self.broker.bootstrap, TOPIC)
        ids = [record_id(m.value()) for m in stored]
        self.assertEqual(len(ids), len(set(ids)), "duplicated records")
        self.assertEqual(ids, sorted(ids), "records out of order")
        at = {record_id(m.value()): m.offset() for m in stored}
        lost = [rid for rid, offset in self.acked.items() if at.get(rid) != offset]
        self.assertFalse(lost, "%d acknowledged records lost or moved, e.g. %s" % (
            len(lost), sorted(lost)[:5]))
        phantoms = self.refused & set(at)
        self.assertFalse(phantoms, "refused records stored: %s" % sorted(phantoms)[:5])
        self.assertEqual(self.committed(), 2)
        self.assertEqual(self.broker.stop(), 0)


if __name__ == "__main__":
    unittest.main()
