"""What a record carries survives the trip: a 900 KiB value, headers, null keys and
values, CreateTime timestamps; time lookups (offsets_for_times); consumers with tiny fetch
limits still make progress; acks=0 producers deliver."""

import os
import time
import unittest

from confluent_kafka import TIMESTAMP_CREATE_TIME
from confluent_kafka import TopicPartition as CkTopicPartition
from kafka import KafkaConsumer
from kafka import TopicPartition as KpTopicPartition

from kafka_helpers import ck_consume, ck_produce, ck_producer, kp_consume, kp_producer
from ringlog_fixture import BrokerTestCase

BASE_TS = 1_600_000_000_000


class RecordsTest(BrokerTestCase):

    def test_900_kib_message(self):
        big = os.urandom(900 * 1024)
        producer = ck_producer(self.broker.bootstrap)
        ck_produce(producer, "big", [(b"before", b"small", None, None), (b"big", big, None, None),
                                     (b"after", b"small", None, None)])
        self.assertEqual([m.value() for m in ck_consume(self.broker.bootstrap, "big", 3)],
                         [b"small", big, b"small"])
        self.assertEqual([r.value for r in kp_consume(self.broker.bootstrap, "big", 3)],
                         [b"small", big, b"small"])
        kp = kp_producer(self.broker.bootstrap, max_request_size=2 << 20)
        kp.send("big-kp", value=big).get(timeout=30)
        kp.close(timeout=10)
        self.assertEqual([m.value() for m in ck_consume(self.broker.bootstrap, "big-kp", 1)],
                         [big])

    def test_headers_null_keys_null_values_and_create_time(self):
        sent = [
            (b"k0", b"v0", [("h1", b"one"), ("h2", b"")], BASE_TS),
            (None, b"no key", [("dup", b"a"), ("dup", b"b")], BASE_TS + 1),
            (b"tombstone", None, None, BASE_TS + 2),
            (None, None, [("only", None)], BASE_TS + 3),
        ]
        ck_produce(ck_producer(self.broker.bootstrap), "shapes", sent)
        got = ck_consume(self.broker.bootstrap, "shapes", len(sent))
        self.assertEqual([(m.key(), m.value(), m.headers(), m.timestamp()) for m in got],
                         [(k, v, h, (TIMESTAMP_CREATE_TIME, ts)) for k, v, h, ts in sent])
        # kafka-python reads the same records (headers as a list, None for none).
        records = kp_consume(self.broker.bootstrap, "shapes", len(sent))
        self.assertEqual([(r.key, r.value, r.headers, r.timestamp, r.timestamp_type)
                          for r in records],
                         [(k, v, h or [], ts, 0) for k, v, h, ts in sent])

    def test_offsets_for_times(self):
        sent = [(None, b"m%d" % i, None, BASE_TS + 1000 * i) for i in range(10)]
        ck_produce(ck_producer(self.broker.bootstrap, **{"linger.ms": 0}), "times", sent)
        consumer = KafkaConsumer(bootstrap_servers=self.broker.bootstrap, group_id=None)
        try:
            tp = KpTopicPartition("times", 0)
            found = consumer.offsets_for_times({tp: BASE_TS + 3500})[tp]
            self.assertEqual((found.offset, found.timestamp), (4, BASE_TS + 4000))
            self.assertEqual(consumer.offsets_for_times({tp: BASE_TS})[tp].offset, 0)
            self.assertIsNone(consumer.offsets_for_times({tp: BASE_TS + 10 ** 6})[tp])
            self.assertEqual(consumer.beginning_offsets([tp])[tp], 0)
            self.assertEqual(consumer.end_offsets([tp])[tp], 10)
        finally:
            consumer.close()
        # librdkafka asks ListOffsets v1+ the same question.
        from confluent_kafka import Consumer
        ck = Consumer({"bootstrap.servers": self.broker.bootstrap, "group.id": "times"})
        try:
            found = ck.offsets_for_times([CkTopicPartition("times", 0, BASE_TS + 7000)],
                                         timeout=10)
            self.assertEqual(found[0].offset, 7)
            self.assertEqual(ck.get_watermark_offsets(CkTopicPartition("times", 0),
                                                      timeout=10), (0, 10))
        finally:
            ck.close()

    def test_tiny_fetch_limits_still_make_progress(self):
        values = [os.urandom(700) for _ in range(200)]
        ck_produce(ck_producer(self.broker.bootstrap, **{"batch.num.messages": 7}), "tiny",
                   [(None, v, None, None) for v in values])
        got = kp_consume(self.broker.bootstrap, "tiny", len(values), max_partition_fetch_bytes=64,
                         fetch_max_bytes=128)
        self.assertEqual([r.value for r in got], values)
        got = ck_consume(self.broker.bootstrap, "tiny", len(values),
                         **{"message.max.bytes": 1000, "fetch.max.bytes": 1024,
                            "max.partition.fetch.bytes": 1,
                            "receive.message.max.bytes": 10 << 20})
        self.assertEqual([m.value() for m in got], values)

    def test_acks_zero(self):
        producer = kp_producer(self.broker.bootstrap, acks=0, linger_ms=2)
        for i in range(2000):
            producer.send("fire-and-forget", value=b"kp%d" % i)
        producer.flush(timeout=30)
        producer.close(timeout=10)
        ck = ck_producer(self.broker.bootstrap, acks=0)
        ck_produce(ck, "fire-and-forget", [(None, b"ck%d" % i, None, None) for i in range(2000)])
        # acks=0 has no answer to wait for: read until everything has arrived.
        got = ck_consume(self.broker.bootstrap, "fire-and-forget", 4000, timeout=30)
        self.assertEqual(sorted(m.value() for m in got),
                         sorted([b"kp%d" % i for i in range(2000)] +
                                [b"ck%d" % i for i in range(2000)]))


if __name__ == "__main__":
    unittest.main()
