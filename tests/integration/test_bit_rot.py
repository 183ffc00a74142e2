"""One flipped byte in the middle of the stored log (issue 11, item 7). After a clean stop,
a flipped byte, and a restart, every good record is still delivered: the damaged batch
alone is lost, its offsets answer CORRUPT_MESSAGE (never data), a consumer gets past it by
seeking to the next offset, and the broker log names it at ERROR with its offsets."""

import glob
import os
import re
import time
import unittest

from kafka import KafkaConsumer
from kafka import TopicPartition as KpTopicPartition
from kafka.errors import CorruptRecordException

from kafka_helpers import ck_produce, ck_producer
from ringlog_fixture import BACKEND, BrokerTestCase

TOPIC = "rot"
BATCHES = 5
PER_BATCH = 10
DAMAGED_BATCH = 2  # offsets 20..29


def value_of(i):
    return b"bit-rot-value-%04d" % i


def data_files(data_dir):
    """The files that hold record batches: segment logs, or RocksDB's tables (the backend
    flushes its memtables on a clean stop)."""
    if BACKEND == "uring":
        return glob.glob(os.path.join(data_dir, TOPIC + "-0", "*.log"))
    return glob.glob(os.path.join(data_dir, "rocksdb", "*.sst"))


def flip_byte_of(data_dir, needle):
    """Flips one bit of the first stored copy of `needle`; returns the file."""
    for path in data_files(data_dir):
        with open(path, "r+b") as f:
            data = f.read()
            at = data.find(needle)
            if at < 0:
                continue
            f.seek(at + len(needle) - 1)
            f.write(bytes([data[at + len(needle) - 1] ^ 0x01]))
            return path
    raise AssertionError("no stored copy of %r in %s" % (needle, data_files(data_dir)))


class BitRotTest(BrokerTestCase):
    BROKER_ARGS = ("--num_partitions=1",)

    def consume_skipping_damage(self, expected, timeout=30.0):
        """Reads partition 0 from the beginning with kafka-python; on CORRUPT_MESSAGE it
        seeks one offset on. Returns (records, offsets that answered CORRUPT_MESSAGE)."""
        consumer = KafkaConsumer(bootstrap_servers=self.broker.bootstrap, group_id=None,
                                 enable_auto_commit=False, request_timeout_ms=10000)
        tp = KpTopicPartition(TOPIC, 0)
        try:
            consumer.assign([tp])
            consumer.seek_to_beginning(tp)
            records, corrupt = [], []
            deadline = time.time() + timeout
            while len(records) < expected and time.time() < deadline:
                try:
                    for batch in consumer.poll(timeout_ms=200).values():
                        records.extend(batch)
                except CorruptRecordException:
                    position = consumer.position(tp)
                    corrupt.append(position)
                    consumer.seek(tp, position + 1)
            ends = consumer.end_offsets([tp])[tp], consumer.beginning_offsets([tp])[tp]
            return records, corrupt, ends
        finally:
            consumer.close()

    def test_flipped_byte_in_the_middle_loses_only_its_batch(self):
        producer = ck_producer(self.broker.bootstrap, **{"linger.ms": 1000})
        for b in range(BATCHES):
            # One flush per ten records: each ten go as one batch.
            ck_produce(producer, TOPIC, [(None, value_of(b * PER_BATCH + i), None, None)
                                         for i in range(PER_BATCH)])
        self.assertEqual(self.broker.stop(), 0, "graceful stop must exit 0")

        damaged = range(DAMAGED_BATCH * PER_BATCH, (DAMAGED_BATCH + 1) * PER_BATCH)
        flip_byte_of(self.broker.data_dir, value_of(damaged[5]))
        self.broker.start()

        total = BATCHES * PER_BATCH
        records, corrupt, (end, start) = self.consume_skipping_damage(total - PER_BATCH)
        good = [i for i in range(total) if i not in damaged]
        self.assertEqual([r.offset for r in records], good)
        self.assertEqual([r.value for r in records], [value_of(i) for i in good])
        self.assertEqual(corrupt, list(damaged))
        self.assertEqual((start, end), (0, total))

        log = self.broker.output()
        self.assertRegex(log, re.compile(r"^E.*damaged batch.*offsets \[20, 30\)", re.M))
        self.assertRegex(log, re.compile(r"^E.*1 damaged batches in 1 partitions.*rot-0: "
                                         r"\[20, 30\)", re.M))

        # The log goes on after the damage.
        ck_produce(producer, TOPIC, [(None, b"later", None, None)])
        records, _, _ = self.consume_skipping_damage(total - PER_BATCH + 1)
        self.assertEqual((records[-1].offset, records[-1].value), (total, b"later"))


if __name__ == "__main__":
    unittest.main()
