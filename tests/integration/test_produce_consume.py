"""Tens of thousands of keyed messages through real clients: every message read back
exactly once, in per-key order, at contiguous offsets from 0 in every partition."""

import collections
import unittest

from kafka_helpers import ck_consume, ck_produce, ck_producer, kp_consume, kp_producer
from ringlog_fixture import BrokerTestCase

COUNT = 30000
KEYS = 64


def message(i):
    key = b"key-%02d" % (i % KEYS)
    # The value names its key and its place in that key's sequence.
    return key, b"%s:%06d:%s" % (key, i // KEYS, b"x" * (i % 97))


class ProduceConsumeTest(BrokerTestCase):
    BROKER_ARGS = ("--num_partitions=4",)

    def check(self, records):
        """records: (partition, offset, key, value) in (partition, offset) order."""
        self.assertEqual(len(records), COUNT)
        self.assertEqual(sorted(r[3] for r in records), sorted(message(i)[1] for i in range(COUNT)))
        by_partition = collections.defaultdict(list)
        key_partition, key_sequence = {}, collections.defaultdict(list)
        for partition, offset, key, value in records:
            by_partition[partition].append(offset)
            self.assertEqual(key_partition.setdefault(key, partition), partition,
                             "a key spans partitions")
            self.assertTrue(value.startswith(key + b":"))
            key_sequence[key].append(int(value.split(b":")[1]))
        self.assertEqual(len(by_partition), 4, "the keys should spread over every partition")
        for partition, offsets in by_partition.items():
            self.assertEqual(offsets, list(range(len(offsets))), "partition %d" % partition)
        for key, sequence in key_sequence.items():
            self.assertEqual(sequence, list(range(len(sequence))), "order of %s" % key)

    def test_kafka_python_round_trip(self):
        producer = kp_producer(self.broker.bootstrap, acks=1, linger_ms=5, batch_size=64 * 1024)
        try:
            for i in range(COUNT):
                key, value = message(i)
                producer.send("kp-bulk", key=key, value=value)
            producer.flush(timeout=60)
        finally:
            producer.close(timeout=10)
        records = kp_consume(self.broker.bootstrap, "kp-bulk", COUNT, timeout=90)
        self.check([(r.partition, r.offset, r.key, r.value) for r in records])

    def test_confluent_kafka_round_trip(self):
        producer = ck_producer(self.broker.bootstrap, acks="all", **{"linger.ms": 5})
        ck_produce(producer, "ck-bulk",
                   (message(i) + (None, None) for i in range(COUNT)), timeout=60)
        messages = ck_consume(self.broker.bootstrap, "ck-bulk", COUNT, timeout=60)
        self.check([(m.partition(), m.offset(), m.key(), m.value()) for m in messages])


class CopyingFetchTest(ProduceConsumeTest):
    """The same traffic with fetched file data copied through memory instead of spliced."""
    BROKER_ARGS = ("--num_partitions=4", "--zero_copy=false")


if __name__ == "__main__":
    unittest.main()
