"""Metadata as real clients see it: kcat -L and kafka-python list the single broker at its
advertised address and every topic with its partitions; auto-creation follows
auto.create.topics.enable."""

import json
import unittest

from kafka import KafkaConsumer
from kafka.protocol.metadata import MetadataRequest
from kafka.protocol.produce import ProduceRequest
from kafka.record.memory_records import MemoryRecordsBuilder

from kafka_helpers import kcat, raw_request
from ringlog_fixture import BrokerTestCase

UNKNOWN_TOPIC_OR_PARTITION = 3
INVALID_TOPIC_EXCEPTION = 17


class MetadataTest(BrokerTestCase):
    BROKER_ARGS = ("--num_partitions=3",)

    def test_kcat_lists_the_broker_and_auto_created_topics(self):
        # Asking for a topic by name creates it (num_partitions=3).
        kcat("-b", self.broker.bootstrap, "-L", "-t", "made-by-metadata")
        listing = json.loads(kcat("-b", self.broker.bootstrap, "-L", "-J"))
        self.assertEqual(listing["brokers"], [{"id": 0, "name": self.broker.bootstrap}])
        self.assertEqual(listing["controllerid"], 0)
        topics = {t["topic"]: t for t in listing["topics"]}
        self.assertIn("made-by-metadata", topics)
        partitions = topics["made-by-metadata"]["partitions"]
        self.assertEqual(sorted(p["partition"] for p in partitions), [0, 1, 2])
        for p in partitions:
            self.assertEqual(p["leader"], 0)
            self.assertEqual(p["isrs"], [{"id": 0}])
            self.assertEqual(p["replicas"], [{"id": 0}])

    def test_kafka_python_sees_topics_and_partitions(self):
        kcat("-b", self.broker.bootstrap, "-P", "-t", "events", data=b"one\ntwo\n")
        consumer = KafkaConsumer(bootstrap_servers=self.broker.bootstrap, group_id=None)
        try:
            self.assertIn("events", consumer.topics())
            self.assertEqual(consumer.partitions_for_topic("events"), {0, 1, 2})
            # kafka-python guessed the broker release from ApiVersions: 2.4 (Produce v8 is
            # served, DescribeAcls is not) means it sends Produce v7 with record batches
            # (magic 2), as for every release from 2.1.
            self.assertEqual(consumer.config["api_version"], (2, 4, 0))
        finally:
            consumer.close()

    def test_null_lists_every_topic_and_empty_lists_none(self):
        for name in ("a", "b"):
            kcat("-b", self.broker.bootstrap, "-L", "-t", name)
        all_topics = raw_request(self.broker.bootstrap, MetadataRequest[1](topics=None))
        self.assertEqual(sorted(t[1] for t in all_topics.topics), ["a", "b"])
        no_topics = raw_request(self.broker.bootstrap, MetadataRequest[1](topics=[]))
        self.assertEqual(no_topics.topics, [])
        self.assertEqual(no_topics.brokers, [(0, "127.0.0.1", self.broker.port, None)])

    def test_invalid_topic_name_is_refused(self):
        response = raw_request(self.broker.bootstrap, MetadataRequest[1](topics=["bad name!"]))
        self.assertEqual(response.topics[0][0], INVALID_TOPIC_EXCEPTION)


class AutoCreateOffTest(BrokerTestCase):
    BROKER_ARGS = ("--auto_create_topics_enable=false",)

    def test_metadata_for_a_missing_topic_is_unknown(self):
        response = raw_request(self.broker.bootstrap, MetadataRequest[1](topics=["missing"]))
        self.assertEqual(response.topics[0][0], UNKNOWN_TOPIC_OR_PARTITION)
        listing = json.loads(kcat("-b", self.broker.bootstrap, "-L", "-J"))
        self.assertEqual(listing["topics"], [])

    def test_produce_to_a_missing_topic_is_unknown_topic_or_partition(self):
        builder = MemoryRecordsBuilder(magic=2, compression_type=0, batch_size=1 << 16)
        builder.append(timestamp=None, key=b"k", value=b"v", headers=[])
        builder.close()
        request = ProduceRequest[7](transactional_id=None, required_acks=1, timeout=5000,
                                    topics=[("missing", [(0, builder.buffer())])])
        response = raw_request(self.broker.bootstrap, request)
        topic, partitions = response.topics[0]
        self.assertEqual(topic, "missing")
        self.assertEqual(partitions[0][1], UNKNOWN_TOPIC_OR_PARTITION)


if __name__ == "__main__":
    unittest.main()
