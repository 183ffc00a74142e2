"""Kafka's config surface as admin clients use it (issue 12, item 3): confluent-kafka's
AdminClient creates topics with any topic config Kafka defines (compression.type,
message.format.version, ...), alters and describes them, sees each config's source and
the broker's own read-only settings. IncrementalAlterConfigs (API 44), which neither
confluent-kafka 1.7 nor kafka-python 2.0 has an AdminClient call for, goes through
kafka-python's connection as a raw v0 request. A topic with compression.type=zstd stores
an lz4 producer's batches as zstd, and consumers read them back."""

import unittest

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic
from kafka.protocol.api import Request, Response
from kafka.protocol.fetch import FetchRequest
from kafka.protocol.types import Array, Boolean, Int8, Int16, Int32, Schema, String
from kafka.record.memory_records import MemoryRecords

from kafka_helpers import ck_consume, ck_produce, ck_producer, raw_request
from ringlog_fixture import BrokerTestCase

NONE = 0
INVALID_CONFIG = 40
INVALID_REQUEST = 42
TOPIC, BROKER = 2, 4
SET, DELETE, APPEND, SUBTRACT = 0, 1, 2, 3
# Kafka's ConfigSource values.
TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG = 1, 4, 5
LZ4, ZSTD = 3, 4

# A value for every topic config Kafka 3.x defines, none of them its default.
EVERY_TOPIC_CONFIG = {
    "cleanup.policy": "delete",
    "compression.gzip.level": "6",
    "compression.lz4.level": "10",
    "compression.type": "zstd",
    "compression.zstd.level": "5",
    "delete.retention.ms": "3600000",
    "file.delete.delay.ms": "1000",
    "flush.messages": "100000",
    "flush.ms": "60000",
    "follower.replication.throttled.replicas": "0:0",
    "index.interval.bytes": "8192",
    "leader.replication.throttled.replicas": "*",
    "local.retention.bytes": "1000000",
    "local.retention.ms": "3600000",
    "max.compaction.lag.ms": "86400000",
    "max.message.bytes": "2000000",
    "message.downconversion.enable": "false",
    "message.format.version": "2.8-IV1",
    "message.timestamp.after.max.ms": "3600000",
    "message.timestamp.before.max.ms": "3600000",
    "message.timestamp.difference.max.ms": "3600000",
    "message.timestamp.type": "CreateTime",
    "min.cleanable.dirty.ratio": "0.3",
    "min.compaction.lag.ms": "1000",
    "min.insync.replicas": "2",
    "preallocate": "true",
    "remote.log.copy.disable": "true",
    "remote.log.delete.on.disable": "true",
    "remote.storage.enable": "false",
    "retention.bytes": "100000000",
    "retention.ms": "86400000",
    "segment.bytes": "10485760",
    "segment.index.bytes": "1048576",
    "segment.jitter.ms": "1000",
    "segment.ms": "3600000",
    "unclean.leader.election.enable": "true",
}


class IncrementalAlterConfigsResponse_v0(Response):
    API_KEY = 44
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("responses", Array(("error_code", Int16), ("error_message", String("utf-8")),
                            ("resource_type", Int8), ("resource_name", String("utf-8")))))


class IncrementalAlterConfigsRequest_v0(Request):
    API_KEY = 44
    API_VERSION = 0
    RESPONSE_TYPE = IncrementalAlterConfigsResponse_v0
    SCHEMA = Schema(
        ("resources", Array(("resource_type", Int8), ("resource_name", String("utf-8")),
                            ("configs", Array(("name", String("utf-8")),
                                              ("config_operation", Int8),
                                              ("value", String("utf-8")))))),
        ("validate_only", Boolean))


class ConfigsTest(BrokerTestCase):

    def admin(self):
        """One client per test: a future fails once its client is destroyed."""
        if getattr(self, "_admin", None) is None:
            self._admin = AdminClient({"bootstrap.servers": self.broker.bootstrap})
        return self._admin

    def create(self, name, configs):
        """None, or the KafkaError of creating `name` with `configs`."""
        future = self.admin().create_topics(
            [NewTopic(name, 1, 1, config=configs)], request_timeout=10)[name]
        try:
            future.result(timeout=15)
            return None
        except KafkaException as e:
            return e.args[0]

    def describe(self, resource_type, name):
        """{config name: ConfigEntry} of one resource, described by confluent-kafka."""
        resource = ConfigResource(resource_type, name)
        return self.admin().describe_configs([resource], request_timeout=10)[resource].result(
            timeout=15)

    def incremental(self, name, ops, resource_type=TOPIC, validate_only=False):
        """(error_code, error_message) of one IncrementalAlterConfigs v0 on one resource."""
        response = raw_request(self.broker.bootstrap, IncrementalAlterConfigsRequest_v0(
            resources=[(resource_type, name, ops)], validate_only=validate_only))
        (code, message, _, _), = response.responses
        return code, message

    def stored_codecs(self, topic):
        request = FetchRequest[10](
            replica_id=-1, max_wait_time=0, min_bytes=0, max_bytes=64 << 20, isolation_level=0,
            session_id=0, session_epoch=-1,
            topics=[(topic, [(0, -1, 0, -1, 64 << 20)])], forgotten_topics_data=[])
        partition = raw_request(self.broker.bootstrap, request).topics[0][1][0]
        self.assertEqual(partition[1], 0, "fetch error")
        records = MemoryRecords(partition[-1])
        codecs = set()
        while records.has_next():
            codecs.add(records.next_batch().compression_type)
        return codecs

    def test_create_with_every_topic_config_then_describe(self):
        self.assertIsNone(self.create("everything", EVERY_TOPIC_CONFIG))
        entries = self.describe("topic", "everything")
        for name, value in EVERY_TOPIC_CONFIG.items():
            with self.subTest(config=name):
                self.assertIn(name, entries)
                self.assertEqual(entries[name].value, value)
                self.assertFalse(entries[name].is_default)
                self.assertEqual(entries[name].source, TOPIC_CONFIG)

    def test_the_issues_first_steps(self):
        # What stopped admin tools at their first step: compression.type at creation,
        # message.format.version in AlterConfigs.
        self.assertIsNone(self.create("compressed", {"compression.type": "lz4"}))
        resource = ConfigResource("topic", "compressed",
                                  set_config={"message.format.version": "3.0-IV1",
                                              "compression.type": "lz4"})
        self.admin().alter_configs([resource], request_timeout=10)[resource].result(timeout=15)
        entries = self.describe("topic", "compressed")
        self.assertEqual(entries["message.format.version"].value, "3.0-IV1")
        self.assertEqual(entries["message.format.version"].source, TOPIC_CONFIG)
        self.assertEqual(entries["compression.type"].value, "lz4")
        self.assertEqual(entries["retention.ms"].value, "604800000")
        self.assertTrue(entries["retention.ms"].is_default)
        self.assertEqual(entries["retention.ms"].source, DEFAULT_CONFIG)
        self.assertEqual(entries["preallocate"].value, "false")
        self.assertEqual(entries["preallocate"].source, DEFAULT_CONFIG)

    def test_bad_values_and_unknown_keys_are_invalid_config_naming_the_key(self):
        for configs, key in (({"min.insync.replicas": "0"}, "min.insync.replicas"),
                             ({"compression.type": "brotli"}, "compression.type"),
                             ({"preallocate": "yes"}, "preallocate"),
                             ({"min.cleanable.dirty.ratio": "2"}, "min.cleanable.dirty.ratio"),
                             ({"no.such.config": "1"}, "no.such.config")):
            with self.subTest(key=key):
                error = self.create("bad-" + key.replace(".", "-"), configs)
                self.assertIsNotNone(error)
                self.assertEqual(error.code(), INVALID_CONFIG)
                self.assertIn(key, error.str())

    def test_incremental_alter_configs(self):
        self.assertIsNone(self.create("tuned", {"segment.bytes": "1048576",
                                                "retention.ms": "1000"}))
        self.assertEqual(self.incremental("tuned", [
            ("message.format.version", SET, "2.8"),
            ("retention.ms", DELETE, None),
            ("leader.replication.throttled.replicas", APPEND, "0:0,1:0"),
            ("follower.replication.throttled.replicas", APPEND, "2:0"),
        ]), (NONE, None))
        self.assertEqual(self.incremental("tuned", [
            ("leader.replication.throttled.replicas", SUBTRACT, "0:0")]), (NONE, None))
        entries = self.describe("topic", "tuned")
        self.assertEqual(entries["message.format.version"].value, "2.8")
        self.assertEqual(entries["segment.bytes"].value, "1048576")  # untouched
        self.assertEqual(entries["segment.bytes"].source, TOPIC_CONFIG)
        self.assertEqual(entries["retention.ms"].value, "604800000")  # back to the default
        self.assertTrue(entries["retention.ms"].is_default)
        self.assertEqual(entries["leader.replication.throttled.replicas"].value, "1:0")
        self.assertEqual(entries["follower.replication.throttled.replicas"].value, "2:0")

        code, message = self.incremental("tuned", [("retention.ms", SET, "-7")])
        self.assertEqual(code, INVALID_CONFIG)
        self.assertIn("retention.ms", message)
        code, message = self.incremental("tuned", [("retention.ms", APPEND, "5")])
        self.assertEqual(code, INVALID_CONFIG)
        self.assertIn("retention.ms", message)
        self.assertEqual(self.incremental("tuned", [("nope", SET, "1")])[0], INVALID_CONFIG)
        self.assertEqual(self.incremental("tuned", [("retention.ms", SET, None)])[0],
                         INVALID_REQUEST)
        self.assertEqual(self.incremental("tuned", [("retention.ms", 9, "1")])[0],
                         INVALID_REQUEST)
        self.assertEqual(self.incremental("tuned", [("retention.ms", SET, "5"),
                                                    ("retention.ms", DELETE, None)])[0],
                         INVALID_REQUEST)
        # A failed or validate-only change leaves everything as it was.
        self.assertEqual(self.incremental("tuned", [("segment.ms", SET, "5000")],
                                          validate_only=True), (NONE, None))
        entries = self.describe("topic", "tuned")
        self.assertTrue(entries["segment.ms"].is_default)
        self.assertEqual(entries["message.format.version"].value, "2.8")
        # The broker's configs are read-only.
        code, message = self.incremental("0", [("log.retention.ms", SET, "1")],
                                         resource_type=BROKER)
        self.assertEqual(code, INVALID_REQUEST)
        self.assertIn("log.retention.ms", message)

    def test_describe_the_broker(self):
        entries = self.describe("broker", "0")
        self.assertEqual(entries["log.retention.ms"].value, "604800000")
        self.assertEqual(entries["compression.type"].value, "producer")
        self.assertEqual(entries["log.message.format.version"].value, "3.0-IV1")
        self.assertTrue(all(e.is_read_only for e in entries.values()))

    def test_zstd_topic_recompresses_lz4_batches(self):
        self.assertIsNone(self.create("squeezed", {"compression.type": "zstd"}))
        values = [(b"value %d " % i) * 20 for i in range(300)]
        producer = ck_producer(self.broker.bootstrap,
                               **{"compression.type": "lz4", "linger.ms": 20})
        ck_produce(producer, "squeezed", ((None, v, None, None) for v in values))
        self.assertEqual(self.stored_codecs("squeezed"), {ZSTD})
        got = ck_consume(self.broker.bootstrap, "squeezed", len(values))
        self.assertEqual([m.value() for m in got], values)


if __name__ == "__main__":
    unittest.main()
