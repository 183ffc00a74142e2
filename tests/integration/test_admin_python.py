"""The admin APIs as kafka-python 2.0.2 uses them: KafkaAdminClient creates topics with
configs, describes and alters configs, grows topics and deletes them; DeleteRecords (which
KafkaAdminClient 2.0.2 lacks) goes through a raw request. Per-topic errors are checked on
the wire with raw requests, since KafkaAdminClient raises on the first one. kcat -L shows
what the admin APIs did."""

import json
import unittest

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.errors import InvalidPartitionsError, TopicAlreadyExistsError
from kafka.protocol.admin import (AlterConfigsRequest, CreatePartitionsRequest,
                                  CreateTopicsRequest, CreateTopicsResponse,
                                  DeleteTopicsRequest, DescribeConfigsRequest)
from kafka.protocol.api import Request, Response
from kafka.protocol.types import Array, Int16, Int32, Int64, Schema, String

from kafka_helpers import kcat, kp_consume, kp_producer, raw_request
from ringlog_fixture import BrokerTestCase

NONE = 0
OFFSET_OUT_OF_RANGE = 1
UNKNOWN_TOPIC_OR_PARTITION = 3
INVALID_TOPIC_EXCEPTION = 17
TOPIC_ALREADY_EXISTS = 36
INVALID_PARTITIONS = 37
INVALID_REPLICATION_FACTOR = 38
INVALID_CONFIG = 40
INVALID_REQUEST = 42

TOPIC, BROKER = 2, 4
TOPIC_CONFIG_SOURCE, DEFAULT_CONFIG_SOURCE = 1, 5


class CreateTopicsResponse_v4(Response):
    API_KEY = 19
    API_VERSION = 4
    SCHEMA = CreateTopicsResponse[3].SCHEMA


class CreateTopicsRequest_v4(Request):
    """v4 is v3 on the wire; it lets num_partitions be -1 for the broker default."""
    API_KEY = 19
    API_VERSION = 4
    RESPONSE_TYPE = CreateTopicsResponse_v4
    SCHEMA = CreateTopicsRequest[3].SCHEMA


class DeleteRecordsResponse_v1(Response):
    API_KEY = 21
    API_VERSION = 1
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("topics", Array(("name", String("utf-8")),
                         ("partitions", Array(("partition", Int32), ("low_watermark", Int64),
                                              ("error_code", Int16))))))


class DeleteRecordsRequest_v1(Request):
    API_KEY = 21
    API_VERSION = 1
    RESPONSE_TYPE = DeleteRecordsResponse_v1
    SCHEMA = Schema(
        ("topics", Array(("name", String("utf-8")),
                         ("partitions", Array(("partition", Int32), ("offset", Int64))))),
        ("timeout_ms", Int32))


def topic_spec(name, partitions=1, replication=1, assignment=(), configs=()):
    return (name, partitions, replication, list(assignment), list(configs))


class AdminTest(BrokerTestCase):
    BROKER_ARGS = ("--num_partitions=2",)

    def admin(self):
        client = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap,
                                  request_timeout_ms=10000)
        self.addCleanup(client.close)
        return client

    def request(self, request):
        return raw_request(self.broker.bootstrap, request)

    def kcat_topics(self):
        listing = json.loads(kcat("-b", self.broker.bootstrap, "-L", "-J"))
        return {t["topic"]: len(t["partitions"]) for t in listing["topics"]}

    def create(self, *topics, version=3, validate_only=False):
        """{topic: (error_code, error_message)} of one raw CreateTopics request."""
        request_type = CreateTopicsRequest_v4 if version == 4 else CreateTopicsRequest[version]
        response = self.request(request_type(create_topic_requests=list(topics), timeout=5000,
                                             validate_only=validate_only))
        return {name: (code, message) for name, code, message in response.topic_errors}

    def describe(self, resource_type, name, keys=None, synonyms=False):
        response = self.request(DescribeConfigsRequest[2](
            resources=[(resource_type, name, keys)], include_synonyms=synonyms))
        (code, message, _, _, entries), = response.resources
        return code, message, {e[0]: e[1:] for e in entries}

    def delete_records(self, topic, offsets):
        response = self.request(DeleteRecordsRequest_v1(
            topics=[(topic, list(offsets.items()))], timeout_ms=5000))
        (_, partitions), = response.topics
        return {p: (code, low) for p, low, code in partitions}

    def test_create_with_configs_then_describe(self):
        self.admin().create_topics([NewTopic("orders", 3, 1, topic_configs={
            "retention.ms": "3600000", "cleanup.policy": "delete"})])
        self.assertEqual(self.kcat_topics(), {"orders": 3})
        with self.assertRaises(TopicAlreadyExistsError):
            self.admin().create_topics([NewTopic("orders", 1, 1)])

        futures = self.admin().describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, "orders")], include_synonyms=True)
        (code, _, _, name, entries), = futures[0].resources
        self.assertEqual((code, name), (NONE, "orders"))
        configs = {e[0]: e for e in entries}
        # (name, value, read_only, config_source, is_sensitive, synonyms)
        self.assertEqual(configs["retention.ms"],
                         ("retention.ms", "3600000", False, TOPIC_CONFIG_SOURCE, False,
                          [("retention.ms", "3600000", TOPIC_CONFIG_SOURCE),
                           ("log.retention.ms", "604800000", DEFAULT_CONFIG_SOURCE)]))
        self.assertEqual(configs["segment.bytes"],
                         ("segment.bytes", "1073741824", False, DEFAULT_CONFIG_SOURCE, False,
                          [("log.segment.bytes", "1073741824", DEFAULT_CONFIG_SOURCE)]))
        self.assertEqual(configs["cleanup.policy"][3], TOPIC_CONFIG_SOURCE)

        # Without include_synonyms no entry has any; a key list filters.
        code, _, entries = self.describe(TOPIC, "orders", keys=["retention.ms", "nope"])
        self.assertEqual(entries, {"retention.ms": ("3600000", False, TOPIC_CONFIG_SOURCE,
                                                    False, [])})
        v0 = self.request(DescribeConfigsRequest[0](resources=[(TOPIC, "orders", None)]))
        is_default = {e[0]: e[3] for e in v0.resources[0][4]}
        self.assertFalse(is_default["retention.ms"])
        self.assertTrue(is_default["segment.ms"])

    def test_create_topic_errors(self):
        self.admin().create_topics([NewTopic("taken", 1, 1)])
        results = self.create(
            topic_spec("twice"), topic_spec("twice"),
            topic_spec("bad name!"),
            topic_spec("taken"),
            topic_spec("no-partitions", partitions=0),
            topic_spec("default-count", partitions=-1),
            topic_spec("three-copies", replication=3),
            topic_spec("bad-config", configs=[("retention.ms", "soon")]),
            topic_spec("unknown-config", configs=[("compression.level", "9")]),
            topic_spec("elsewhere", partitions=-1, replication=-1, assignment=[(0, [7])]),
            topic_spec("placed", partitions=-1, replication=-1, assignment=[(0, [0]), (1, [0])]),
            topic_spec("fine", partitions=4, replication=-1))
        codes = {name: code for name, (code, _) in results.items()}
        self.assertEqual(codes, {
            "twice": INVALID_REQUEST, "bad name!": INVALID_TOPIC_EXCEPTION,
            "taken": TOPIC_ALREADY_EXISTS, "no-partitions": INVALID_PARTITIONS,
            "default-count": NONE, "three-copies": INVALID_REPLICATION_FACTOR,
            "bad-config": INVALID_CONFIG, "unknown-config": INVALID_CONFIG,
            "elsewhere": INVALID_REQUEST, "placed": NONE, "fine": NONE})
        self.assertIn("retention.ms", results["bad-config"][1])
        self.assertIn("compression.level", results["unknown-config"][1])
        self.assertIsNone(results["fine"][1])
        # -1 partitions is the broker's num.partitions (2 here), in v3 too (kafkajs sends
        # it there) as in v4, where KIP-464 made it official.
        self.assertEqual(self.kcat_topics(),
                         {"taken": 1, "placed": 2, "fine": 4, "default-count": 2})
        self.assertEqual(self.create(topic_spec("defaults", -1, -1), version=4),
                         {"defaults": (NONE, None)})
        self.assertEqual(self.kcat_topics()["defaults"], 2)
        # v0 carries no message; the code is all there is.
        v0 = self.request(CreateTopicsRequest[0](
            create_topic_requests=[topic_spec("zero", partitions=0)], timeout=1000))
        self.assertEqual(v0.topic_errors, [("zero", INVALID_PARTITIONS)])

    def test_validate_only_creates_nothing(self):
        self.assertEqual(self.create(topic_spec("dry-run", partitions=5), validate_only=True),
                         {"dry-run": (NONE, None)})
        code, _ = self.create(topic_spec("dry-bad", configs=[("segment.ms", "0")]),
                              validate_only=True)["dry-bad"]
        self.assertEqual(code, INVALID_CONFIG)
        self.assertEqual(self.kcat_topics(), {})

    def test_alter_configs_replaces_the_overrides(self):
        admin = self.admin()
        admin.create_topics([NewTopic("tuned", 1, 1, topic_configs={"segment.bytes": "1048576"})])
        response = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, "tuned",
                                                       configs={"retention.ms": "1000"})])
        self.assertEqual(response.resources, [(NONE, None, TOPIC, "tuned")])
        _, _, entries = self.describe(TOPIC, "tuned")
        self.assertEqual(entries["retention.ms"][:3], ("1000", False, TOPIC_CONFIG_SOURCE))
        # segment.bytes was not in the new set, so it is back to the broker default.
        self.assertEqual(entries["segment.bytes"][:3], ("1073741824", False,
                                                        DEFAULT_CONFIG_SOURCE))

        def alter(resource_type, name, configs, validate_only=False):
            response = self.request(AlterConfigsRequest[1](
                resources=[(resource_type, name, configs)], validate_only=validate_only))
            (code, message, _, _), = response.resources
            return code, message

        code, message = alter(TOPIC, "tuned", [("retention.ms", "-5")])
        self.assertEqual(code, INVALID_CONFIG)
        self.assertIn("retention.ms", message)
        self.assertEqual(alter(TOPIC, "tuned", [("retention.ms", None)])[0], INVALID_REQUEST)
        self.assertEqual(alter(TOPIC, "missing", [("retention.ms", "1")])[0],
                         UNKNOWN_TOPIC_OR_PARTITION)
        self.assertEqual(alter(BROKER, "0", [("log.retention.ms", "1")])[0], INVALID_REQUEST)
        self.assertEqual(alter(TOPIC, "tuned", [("retention.ms", "77")], validate_only=True),
                         (NONE, None))
        self.assertEqual(self.describe(TOPIC, "tuned")[2]["retention.ms"][0], "1000")

    def test_describe_configs_errors_and_the_broker(self):
        code, message, entries = self.describe(TOPIC, "missing")
        self.assertEqual((code, entries), (UNKNOWN_TOPIC_OR_PARTITION, {}))
        self.assertIn("missing", message)
        self.assertEqual(self.describe(TOPIC, "bad/name")[0], INVALID_TOPIC_EXCEPTION)
        self.assertEqual(self.describe(BROKER, "9")[0], INVALID_REQUEST)

        futures = self.admin().describe_configs([ConfigResource(ConfigResourceType.BROKER, "0")])
        (code, _, _, name, entries), = futures[0].resources
        self.assertEqual((code, name), (NONE, "0"))
        configs = {e[0]: e[1:] for e in entries}
        self.assertEqual(configs["num.partitions"], ("2", True, DEFAULT_CONFIG_SOURCE, False, []))
        self.assertEqual(configs["log.retention.ms"][:2], ("604800000", True))
        self.assertEqual(configs["message.max.bytes"][0], "1048588")
        self.assertTrue(all(entry[1] for entry in configs.values()), "broker configs read-only")

    def test_create_partitions(self):
        admin = self.admin()
        admin.create_topics([NewTopic("growing", 1, 1)])
        admin.create_partitions({"growing": NewPartitions(3)})
        self.assertEqual(self.kcat_topics(), {"growing": 3})
        with self.assertRaises(InvalidPartitionsError):
            admin.create_partitions({"growing": NewPartitions(2)})

        def grow(name, count, assignment=None, validate_only=False):
            response = self.request(CreatePartitionsRequest[1](
                topic_partitions=[(name, (count, assignment))], timeout=5000,
                validate_only=validate_only))
            (_, code, message), = response.topic_errors
            return code, message

        self.assertEqual(grow("growing", 3)[0], INVALID_PARTITIONS)
        self.assertEqual(grow("missing", 3)[0], UNKNOWN_TOPIC_OR_PARTITION)
        self.assertEqual(grow("growing", 5, assignment=[[0]])[0], INVALID_REQUEST)
        self.assertEqual(grow("growing", 6, validate_only=True), (NONE, None))
        self.assertEqual(self.kcat_topics(), {"growing": 3})
        self.assertEqual(grow("growing", 5, assignment=[[0], [0]]), (NONE, None))
        self.assertEqual(self.kcat_topics(), {"growing": 5})

    def test_delete_records(self):
        self.admin().create_topics([NewTopic("trimmed", 1, 1)])
        producer = kp_producer(self.broker.bootstrap, linger_ms=0)
        for i in range(10):
            producer.send("trimmed", value=b"m%d" % i, partition=0).get(timeout=10)
        producer.close()

        self.assertEqual(self.delete_records("trimmed", {0: 4, 1: 0}),
                         {0: (NONE, 4), 1: (UNKNOWN_TOPIC_OR_PARTITION, -1)})
        # Below the start changes nothing; past the high watermark is out of range.
        self.assertEqual(self.delete_records("trimmed", {0: 2}), {0: (NONE, 4)})
        self.assertEqual(self.delete_records("trimmed", {0: 11}), {0: (OFFSET_OUT_OF_RANGE, -1)})
        records = kp_consume(self.broker.bootstrap, "trimmed", 6)
        self.assertEqual([r.offset for r in records], list(range(4, 10)))
        self.assertEqual([r.value for r in records], [b"m%d" % i for i in range(4, 10)])
        # -1 is the high watermark: everything goes.
        self.assertEqual(self.delete_records("trimmed", {0: -1}), {0: (NONE, 10)})
        self.assertEqual(self.delete_records("missing", {0: 0}),
                         {0: (UNKNOWN_TOPIC_OR_PARTITION, -1)})

    def test_internal_topics_are_left_alone(self):
        offsets = "__consumer_offsets"
        self.assertEqual(self.create(topic_spec(offsets))[offsets][0], INVALID_TOPIC_EXCEPTION)
        response = self.request(AlterConfigsRequest[1](
            resources=[(TOPIC, offsets, [("retention.ms", "1")])], validate_only=False))
        self.assertEqual(response.resources[0][0], INVALID_TOPIC_EXCEPTION)
        response = self.request(CreatePartitionsRequest[1](
            topic_partitions=[(offsets, (4, None))], timeout=5000, validate_only=False))
        self.assertEqual(response.topic_errors[0][1], INVALID_TOPIC_EXCEPTION)
        self.assertEqual(self.delete_records(offsets, {0: -1}), {0: (INVALID_TOPIC_EXCEPTION, -1)})

    def test_delete_topics(self):
        admin = self.admin()
        admin.create_topics([NewTopic("doomed", 2, 1), NewTopic("kept", 1, 1)])
        kcat("-b", self.broker.bootstrap, "-P", "-t", "doomed", "-p", "0", data=b"a\nb\n")
        admin.delete_topics(["doomed"])
        self.assertEqual(self.kcat_topics(), {"kept": 1})
        response = self.request(DeleteTopicsRequest[3](topics=["doomed", "kept"], timeout=5000))
        self.assertEqual(response.topic_error_codes,
                         [("doomed", UNKNOWN_TOPIC_OR_PARTITION), ("kept", NONE)])
        self.assertEqual(self.kcat_topics(), {})
        # A topic created again under the old name starts empty.
        admin.create_topics([NewTopic("doomed", 1, 1)])
        self.assertEqual(self.delete_records("doomed", {0: -1}), {0: (NONE, 0)})


if __name__ == "__main__":
    unittest.main()
