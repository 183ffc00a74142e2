"""Consumer groups with librdkafka (confluent-kafka-python 1.7.0 on librdkafka 2.0.2, which
speaks JoinGroup v5, SyncGroup v3, OffsetCommit v7 and the flexible OffsetFetch v7): two
members split a topic, a group resumes where it committed, committed offsets read back
per partition, the admin client lists and describes a group, and a static member
(group.instance.id) that restarts gets its partitions back without the other member
seeing a rebalance."""

import time
import unittest

from confluent_kafka import OFFSET_INVALID, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient
from kafka.admin import KafkaAdminClient

from kafka_helpers import ck_produce, ck_producer
from ringlog_fixture import BrokerTestCase


def close_quietly(consumer):
    try:
        consumer.close()
    except RuntimeError:  # closed by the test already
        pass


class LibrdkafkaGroupTest(BrokerTestCase):
    BROKER_ARGS = ("--group_initial_rebalance_delay_ms=100", "--num_partitions=4")

    def produce(self, topic, values):
        """Keyed by value, so that the messages spread over every partition (librdkafka's
        sticky partitioner would put a burst of keyless ones all in one)."""
        producer = ck_producer(self.broker.bootstrap)
        ck_produce(producer, topic, [(v.encode(), v.encode(), None, None) for v in values])

    def consumer(self, group, topic, **extra):
        conf = {"bootstrap.servers": self.broker.bootstrap, "group.id": group,
                "auto.offset.reset": "earliest", "enable.auto.commit": False,
                "session.timeout.ms": 6000, "heartbeat.interval.ms": 500}
        conf.update(extra)
        consumer = Consumer(conf)
        assignments = []
        consumer.subscribe([topic], on_assign=lambda c, ps: assignments.append(
            sorted(p.partition for p in ps)))
        self.addCleanup(close_quietly, consumer)
        return consumer, assignments

    def poll_until(self, consumers, predicate, timeout=30):
        """Polls every consumer until predicate(records per consumer) holds."""
        records = [[] for _ in consumers]
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, consumer in enumerate(consumers):
                for msg in consumer.consume(num_messages=100, timeout=0.05):
                    self.assertIsNone(msg.error())
                    records[i].append(msg)
            if predicate(records):
                return records
        raise AssertionError("timed out; consumed %s" % [len(r) for r in records])

    def test_two_members_split_the_topic(self):
        self.produce("split", ["warm-up"])
        consumers = [self.consumer("splitters", "split")[0] for _ in range(2)]

        def partitioned(_):
            owned = [sorted(p.partition for p in c.assignment()) for c in consumers]
            return all(owned) and sorted(sum(owned, [])) == [0, 1, 2, 3]
        self.poll_until(consumers, partitioned)
        values = ["s%d" % i for i in range(80)]
        self.produce("split", values)
        records = self.poll_until(consumers, lambda rs: sum(
            1 for r in rs for m in r if m.value() != b"warm-up") >= 80)
        seen = [m.value().decode() for r in records for m in r if m.value() != b"warm-up"]
        self.assertEqual(sorted(seen), sorted(values), "each message read exactly once")
        self.assertTrue(all(any(m.value() != b"warm-up" for m in r) for r in records))

    def test_a_group_resumes_where_it_committed(self):
        first = ["a%d" % i for i in range(60)]
        self.produce("resume", first)
        consumer, _ = self.consumer("resumers", "resume")
        self.poll_until([consumer], lambda rs: len(rs[0]) >= 60)
        consumer.commit(asynchronous=False)
        consumer.close()

        second = ["b%d" % i for i in range(20)]
        self.produce("resume", second)
        consumer, _ = self.consumer("resumers", "resume")
        records = self.poll_until([consumer], lambda rs: len(rs[0]) >= 20)
        time.sleep(0.5)
        records[0].extend(m for m in consumer.consume(num_messages=100, timeout=0.5)
                          if not m.error())
        self.assertEqual(sorted(m.value().decode() for m in records[0]), sorted(second))

    def test_committed_offsets_read_back_and_the_admin_client_lists_the_group(self):
        self.produce("committed", ["c%d" % i for i in range(8)])
        consumer, _ = self.consumer("committers", "committed", **{"client.id": "committer"})
        self.poll_until([consumer], lambda _: len(consumer.assignment()) == 4)
        consumer.commit(offsets=[TopicPartition("committed", p, 10 + p) for p in (0, 2)],
                        asynchronous=False)
        committed = consumer.committed(
            [TopicPartition("committed", p) for p in range(4)], timeout=10)
        self.assertEqual([(tp.partition, tp.offset) for tp in committed],
                         [(0, 10), (1, OFFSET_INVALID), (2, 12), (3, OFFSET_INVALID)])

        admin = AdminClient({"bootstrap.servers": self.broker.bootstrap})
        groups = admin.list_groups(group="committers", timeout=10)
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0].state, "Stable")
        self.assertEqual(groups[0].protocol_type, "consumer")
        self.assertEqual([m.client_id for m in groups[0].members], ["committer"])
        self.assertIn("committers", [g.id for g in admin.list_groups(timeout=10)])

    def test_a_restarted_static_member_keeps_its_partitions_without_a_rebalance(self):
        self.produce("static", ["x"])
        a, a_assignments = self.consumer("statics", "static", **{"group.instance.id": "a"})
        b, b_assignments = self.consumer("statics", "static", **{"group.instance.id": "b"})

        def partitioned(_):
            owned = [sorted(p.partition for p in c.assignment()) for c in (a, b)]
            return all(owned) and sorted(sum(owned, [])) == [0, 1, 2, 3]
        self.poll_until([a, b], partitioned)
        a_owned = sorted(p.partition for p in a.assignment())
        b_rebalances = len(b_assignments)
        a.close()
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        self.addCleanup(admin.close)
        self.assertEqual(len(admin.describe_consumer_groups(["statics"])[0].members), 2,
                         "a static member does not leave the group when it closes")

        restarted, _ = self.consumer("statics", "static", **{"group.instance.id": "a"})
        self.poll_until([restarted, b], lambda _: restarted.assignment())
        self.assertEqual(sorted(p.partition for p in restarted.assignment()), a_owned)
        self.assertEqual(len(b_assignments), b_rebalances, "b saw a rebalance")


if __name__ == "__main__":
    unittest.main()
