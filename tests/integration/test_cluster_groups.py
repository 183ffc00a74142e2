"""Group coordinators spread over a 3-broker cluster: a group's coordinator is the leader of
its __consumer_offsets partition (Kafka's abs(hashCode) mod offsets_topic_num_partitions),
every broker names the same one, the others answer NOT_COORDINATOR for the group; groups
coordinated by different brokers each consume, commit and read their offsets back, and a
new member resumes where the group committed."""

import time
import unittest

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import ClusterTestCase
from cluster_wire import (COORDINATOR_NOT_AVAILABLE, NONE, NOT_COORDINATOR, find_coordinator,
                          heartbeat, metadata, offsets_partition)
from kafka_helpers import kp_producer

OFFSETS_PARTITIONS = 10
GROUPS = ["group-%d" % i for i in range(30)]


class ClusterGroupsTest(ClusterTestCase):
    BROKER_ARGS = ("--offsets_topic_num_partitions=%d" % OFFSETS_PARTITIONS,
                   "--group_initial_rebalance_delay_ms=100")

    def coordinator(self, port, group):
        """The coordinator a broker names for `group`, once the offsets topic exists."""
        def found():
            error, node, host, node_port = find_coordinator(port, group)
            if error == COORDINATOR_NOT_AVAILABLE:
                return None
            self.assertEqual(error, NONE)
            return node, host, node_port
        return self.wait_until(found, 20, "a coordinator for %s" % group)

    def coordinators(self):
        """{group: coordinator id} as the first broker names them, checked against the
        other brokers' answers and the offsets topic's leaders."""
        ports = [self.cluster.broker(i).port for i in self.cluster.ids]
        found = {}
        for group in GROUPS:
            answers = {self.coordinator(port, group) for port in ports}
            self.assertEqual(len(answers), 1, "brokers disagree on %s: %s" % (group, answers))
            node, host, port = answers.pop()
            self.assertEqual((host, port), ("127.0.0.1", self.cluster.broker(node).port))
            found[group] = node
        return found

    def test_each_group_is_coordinated_by_the_leader_of_its_offsets_partition(self):
        coordinators = self.coordinators()
        leaders = self.wait_for_leaders("__consumer_offsets", OFFSETS_PARTITIONS)
        assignment, _ = self.cluster.znode_json("/brokers/topics/__consumer_offsets")
        self.assertEqual(len(assignment["partitions"]), OFFSETS_PARTITIONS)
        for group, node in coordinators.items():
            self.assertEqual(node, leaders[offsets_partition(group, OFFSETS_PARTITIONS)], group)
        self.assertEqual(sorted(set(coordinators.values())), self.cluster.ids)
        internal = metadata(self.cluster.broker(self.cluster.ids[0]).port,
                            ["__consumer_offsets"])["topics"]["__consumer_offsets"]
        self.assertEqual(len(internal["partitions"]), OFFSETS_PARTITIONS)

        for group, node in list(coordinators.items())[:6]:
            for other in self.cluster.ids:
                if other != node:
                    self.assertEqual(heartbeat(self.cluster.broker(other).port, group),
                                     NOT_COORDINATOR, "%s on broker %d" % (group, other))

    def test_groups_on_different_coordinators_consume_and_commit(self):
        entry = self.cluster.bootstrap(self.cluster.ids[0])
        admin = KafkaAdminClient(bootstrap_servers=entry, request_timeout_ms=15000)
        self.addCleanup(admin.close)
        admin.create_topics([NewTopic("grouped", 3, 1)])
        self.wait_for_leaders("grouped", 3)
        producer = kp_producer(entry, acks="all")
        for i in range(30):
            producer.send("grouped", b"first-%d" % i, partition=i % 3)
        producer.flush(15)

        by_coordinator = {}
        for group, node in self.coordinators().items():
            by_coordinator.setdefault(node, group)
        self.assertGreaterEqual(len(by_coordinator), 2, by_coordinator)

        for node, group in sorted(by_coordinator.items()):
            values = self.consume(entry, group, 30)
            self.assertEqual(sorted(values), sorted(b"first-%d" % i for i in range(30)), group)
            offsets = admin.list_consumer_group_offsets(group)
            self.assertEqual({tp: o.offset for tp, o in offsets.items()},
                             {TopicPartition("grouped", p): 10 for p in range(3)}, group)

        for i in range(9):
            producer.send("grouped", b"second-%d" % i, partition=i % 3)
        producer.flush(15)
        producer.close()
        for node, group in sorted(by_coordinator.items()):
            values = self.consume(entry, group, 9)
            self.assertEqual(sorted(values), sorted(b"second-%d" % i for i in range(9)),
                             "%s (coordinator %d) did not resume at its commit" % (group, node))
            offsets = admin.list_consumer_group_offsets(group)
            self.assertEqual({tp: o.offset for tp, o in offsets.items()},
                             {TopicPartition("grouped", p): 13 for p in range(3)}, group)

    def consume(self, bootstrap, group, count):
        """The values one member of `group` reads until it has `count` of them and then
        for another half second (to see any extra), committing what it read."""
        consumer = KafkaConsumer("grouped", bootstrap_servers=bootstrap, group_id=group,
                                 auto_offset_reset="earliest", enable_auto_commit=False,
                                 session_timeout_ms=6000, heartbeat_interval_ms=500)
        try:
            values = []
            deadline = time.time() + 30
            settle = None
            while time.time() < deadline and (settle is None or time.time() < settle):
                for records in consumer.poll(timeout_ms=100).values():
                    values.extend(r.value for r in records)
                if len(values) >= count and settle is None:
                    settle = time.time() + 0.5
            consumer.commit()
            return values
        finally:
            consumer.close()


if __name__ == "__main__":
    unittest.main()
