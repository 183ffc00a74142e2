"""Every compression codec round-trips byte for byte through kcat, confluent-kafka and
kafka-python, and the broker stores what the producer compressed, still compressed.

kafka-python consumes with Fetch v4, which cannot carry zstd (KIP-110): as Kafka does,
the broker refuses zstd batches to it, so its zstd data is read back with librdkafka."""

import os
import random
import unittest

from kafka.protocol.admin import ApiVersionRequest
from kafka.protocol.fetch import FetchRequest
from kafka.record.memory_records import MemoryRecords

from kafka_helpers import (ck_consume, ck_produce, ck_producer, kcat, kp_consume, kp_producer,
                           raw_request)
from ringlog_fixture import BrokerTestCase

CODECS = {"gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
COUNT = 400
FIND_COORDINATOR = 10


def payloads(seed):
    """Values that compress well and values that do not, and an empty one."""
    rng = random.Random(seed)
    values = [b""]
    for i in range(COUNT - 1):
        if i % 3 == 0:
            values.append(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300))))
        else:
            values.append((b"ringlog-%d " % i) * rng.randint(1, 60))
    return values


class CompressionTest(BrokerTestCase):

    def check_stored(self, topic, code, librdkafka):
        """The broker stored batches compressed with `code`. librdkafka skips compression
        for a batch that would not shrink, so its batches may also be uncompressed; and it
        compresses with LZ4 only when the broker advertises FindCoordinator v0."""
        codecs = self.stored_codecs(topic)
        if not librdkafka:
            self.assertEqual(codecs, {code})
            return
        self.assertLessEqual(codecs, {0, code})
        if code == CODECS["lz4"] and not self.advertises(FIND_COORDINATOR):
            return
        self.assertIn(code, codecs)

    def advertises(self, api_key):
        response = raw_request(self.broker.bootstrap, ApiVersionRequest[0]())
        return any(key == api_key and low == 0 for key, low, _ in response.api_versions)

    def stored_codecs(self, topic):
        """The compression codec of every batch the broker stored for partition 0."""
        request = FetchRequest[10](
            replica_id=-1, max_wait_time=0, min_bytes=0, max_bytes=64 << 20, isolation_level=0,
            session_id=0, session_epoch=-1,
            topics=[(topic, [(0, -1, 0, -1, 64 << 20)])], forgotten_topics_data=[])
        response = raw_request(self.broker.bootstrap, request)
        partition = response.topics[0][1][0]
        self.assertEqual(partition[1], 0, "fetch error")
        records = MemoryRecords(partition[-1])
        codecs = set()
        while records.has_next():
            codecs.add(records.next_batch().compression_type)
        return codecs

    def test_confluent_kafka_every_codec(self):
        for codec, code in CODECS.items():
            with self.subTest(codec=codec):
                topic = "ck-" + codec
                values = payloads(code)
                producer = ck_producer(self.broker.bootstrap,
                                       **{"compression.type": codec, "linger.ms": 20})
                ck_produce(producer, topic, ((b"k%d" % i, v, None, None)
                                             for i, v in enumerate(values)))
                got = ck_consume(self.broker.bootstrap, topic, COUNT)
                self.assertEqual([m.value() for m in got], values)
                self.assertEqual([m.key() for m in got], [b"k%d" % i for i in range(COUNT)])
                self.check_stored(topic, code, librdkafka=True)

    def test_kafka_python_every_codec(self):
        for codec, code in CODECS.items():
            with self.subTest(codec=codec):
                topic = "kp-" + codec
                values = payloads(10 + code)
                producer = kp_producer(self.broker.bootstrap, compression_type=codec,
                                       linger_ms=20)
                for v in values:
                    producer.send(topic, value=v)
                producer.flush(timeout=30)
                producer.close(timeout=10)
                if codec == "zstd":
                    got = [m.value() for m in ck_consume(self.broker.bootstrap, topic, COUNT)]
                else:
                    got = [r.value for r in kp_consume(self.broker.bootstrap, topic, COUNT)]
                self.assertEqual(got, values)
                self.check_stored(topic, code, librdkafka=False)

    def test_kafka_python_cannot_fetch_zstd_below_fetch_v10(self):
        producer = ck_producer(self.broker.bootstrap, **{"compression.type": "zstd"})
        ck_produce(producer, "zstd-only", [(None, b"z" * 100, None, None)])
        request = FetchRequest[4](replica_id=-1, max_wait_time=0, min_bytes=0,
                                  max_bytes=1 << 20, isolation_level=0,
                                  topics=[("zstd-only", [(0, 0, 1 << 20)])])
        partition = raw_request(self.broker.bootstrap, request).topics[0][1][0]
        self.assertEqual(partition[1], 76)  # UNSUPPORTED_COMPRESSION_TYPE

    def test_kcat_every_codec(self):
        for codec, code in CODECS.items():
            with self.subTest(codec=codec):
                topic = "kcat-" + codec
                lines = [os.urandom(20).hex().encode() * (i % 5 + 1) for i in range(COUNT)]
                kcat("-b", self.broker.bootstrap, "-P", "-t", topic, "-z", codec,
                     "-X", "linger.ms=20", data=b"\n".join(lines) + b"\n")
                out = kcat("-b", self.broker.bootstrap, "-C", "-t", topic, "-e", "-o",
                           "beginning", "-f", "%s\n")
                self.assertEqual(out.splitlines(), lines)
                self.check_stored(topic, code, librdkafka=True)


if __name__ == "__main__":
    unittest.main()
