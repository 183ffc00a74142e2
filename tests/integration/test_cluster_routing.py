"""Clients bootstrapped on one broker of a 3-broker cluster send each partition's requests to
its leader: keyed messages from librdkafka (confluent-kafka) and kafka-python producers over
a 6-partition topic are each read back exactly once, in the order sent within each
partition, by consumers of the other library; and a broker asked directly about a
partition it does not lead answers NOT_LEADER_OR_FOLLOWER (UNKNOWN_TOPIC_OR_PARTITION for a
topic that does not exist), while its leader takes the same request."""

import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import ClusterTestCase
from cluster_wire import (NONE, NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION,
                          list_offsets, produce)
from kafka_helpers import ck_consume, ck_produce, ck_producer, kp_consume, kp_producer

PARTITIONS = 6
MESSAGES = 600
KEYS = 60


def messages():
    """(key, value) pairs: value i carries its sequence number, keys cycle over KEYS."""
    return [(b"key-%d" % (i % KEYS), b"%d" % i) for i in range(MESSAGES)]


class ClusterRoutingTest(ClusterTestCase):
    # Unknown topics stay unknown (a Produce would otherwise create them).
    BROKER_ARGS = ("--auto_create_topics_enable=false",)

    def setUp(self):
        super().setUp()
        self.entry = self.cluster.ids[1]  # every client starts from this one broker

    def create_topic(self, name, serving=True):
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(self.entry),
                                 request_timeout_ms=15000)
        try:
            admin.create_topics([NewTopic(name, PARTITIONS, 1)])
        finally:
            admin.close()
        leaders = self.wait_for_leaders(name, PARTITIONS, serving=serving)
        self.assertEqual(sorted(set(leaders.values())), self.cluster.ids)
        return leaders

    def check_read_back(self, read):
        """`read`: (partition, offset, key, value) of everything consumed. Each message once,
        each key in one partition, every partition used, offsets 0.. without gaps and the
        sequence numbers rising within each partition."""
        values = sorted(int(v) for _, _, _, v in read)
        self.assertEqual(values, list(range(MESSAGES)), "lost or duplicated messages")
        partition_of_key = {}
        by_partition = {}
        for partition, offset, key, value in read:
            self.assertEqual(partition_of_key.setdefault(key, partition), partition,
                             "key %r in two partitions" % key)
            by_partition.setdefault(partition, []).append((offset, int(value)))
        self.assertEqual(sorted(by_partition), list(range(PARTITIONS)))
        for partition, records in by_partition.items():
            records.sort()
            self.assertEqual([o for o, _ in records], list(range(len(records))), partition)
            sequence = [v for _, v in records]
            self.assertEqual(sequence, sorted(sequence), "partition %d out of order" % partition)

    def test_librdkafka_producer_to_kafka_python_and_librdkafka_consumers(self):
        self.create_topic("from-librdkafka")
        producer = ck_producer(self.cluster.bootstrap(self.entry), **{"acks": "all"})
        delivered = ck_produce(producer, "from-librdkafka",
                               [(k, v, None, None) for k, v in messages()])
        self.assertEqual(len(delivered), MESSAGES)

        kp_read = kp_consume(self.cluster.bootstrap(self.entry), "from-librdkafka", MESSAGES)
        self.check_read_back([(r.partition, r.offset, r.key, r.value) for r in kp_read])
        ck_read = ck_consume(self.cluster.bootstrap(self.entry), "from-librdkafka", MESSAGES)
        self.check_read_back([(m.partition(), m.offset(), m.key(), m.value()) for m in ck_read])
        # Where the producer was told each message went is where it was read.
        self.assertEqual(sorted((m.partition(), m.offset(), m.value()) for m in delivered),
                         [(m.partition(), m.offset(), m.value()) for m in ck_read])

    def test_kafka_python_producer_to_librdkafka_consumer(self):
        self.create_topic("from-kafka-python")
        producer = kp_producer(self.cluster.bootstrap(self.entry), acks="all")
        try:
            futures = [producer.send("from-kafka-python", key=k, value=v) for k, v in messages()]
            producer.flush(30)
            sent = [f.get(timeout=10) for f in futures]
        finally:
            producer.close()
        ck_read = ck_consume(self.cluster.bootstrap(self.entry), "from-kafka-python", MESSAGES)
        self.check_read_back([(m.partition(), m.offset(), m.key(), m.value()) for m in ck_read])
        self.assertEqual(sorted((s.partition, s.offset) for s in sent),
                         [(m.partition(), m.offset()) for m in ck_read])

    def test_a_broker_that_does_not_lead_a_partition_refuses_it(self):
        # Only Metadata is waited for: a broker that names itself the leader takes the data.
        leaders = self.create_topic("direct", serving=False)
        for partition, leader in sorted(leaders.items())[:3]:
            other = next(i for i in self.cluster.ids if i != leader)
            other_port = self.cluster.broker(other).port
            leader_port = self.cluster.broker(leader).port
            self.assertEqual(produce(other_port, "direct", partition, [b"no"]),
                             (NOT_LEADER_OR_FOLLOWER, -1))
            self.assertEqual(list_offsets(other_port, "direct", partition)[0],
                             NOT_LEADER_OR_FOLLOWER)
            # Its own Metadata names it the leader (wait_for_leaders): it must take the data.
            self.assertEqual(produce(leader_port, "direct", partition, [b"a", b"b"]), (NONE, 0),
                             "broker %d, the leader of direct-%d in every broker's Metadata" %
                             (leader, partition))
            self.assertEqual(list_offsets(leader_port, "direct", partition), (NONE, 2))
        port = self.cluster.broker(self.entry).port
        self.assertEqual(produce(port, "no-such-topic-here", 0, [b"x"])[0],
                         UNKNOWN_TOPIC_OR_PARTITION)


if __name__ == "__main__":
    unittest.main()
