"""Replication factors of the topics a cluster makes without a CreateTopics: an auto-created
topic gets --default_replication_factor replicas, all in sync from the start;
__consumer_offsets gets --offsets_topic_replication_factor, capped at the live brokers, so that
a cluster smaller than that still coordinates groups. Two brokers, real clients."""

import unittest

from kafka.admin import KafkaAdminClient, NewPartitions

from cluster_fixture import ClusterTestCase
from cluster_wire import COORDINATOR_NOT_AVAILABLE, NONE, find_coordinator, metadata

OFFSETS_PARTITIONS = 4


class ReplicationFactorTest(ClusterTestCase):
    CLUSTER_SIZE = 2
    BROKER_ARGS = ("--offsets_topic_num_partitions=%d" % OFFSETS_PARTITIONS,
                   "--offsets_topic_replication_factor=3",
                   "--default_replication_factor=2")

    def assert_replicated(self, topic, partitions, factor):
        assignment, _ = self.cluster.znode_json("/brokers/topics/" + topic)
        self.assertEqual(len(assignment["partitions"]), partitions)
        states = self.cluster.partition_states(topic)
        for p, replicas in assignment["partitions"].items():
            self.assertEqual(len(replicas), factor, "%s-%s" % (topic, p))
            self.assertEqual(sorted(replicas), self.cluster.ids)
            self.assertEqual(states[int(p)][0]["isr"], replicas, "%s-%s" % (topic, p))
        answer = metadata(self.cluster.broker(self.cluster.ids[0]).port, [topic])
        for p, part in answer["topics"][topic]["partitions"].items():
            self.assertEqual(part["isr"], part["replicas"])

    def test_the_offsets_topic_is_capped_at_the_live_brokers(self):
        port = self.cluster.broker(self.cluster.ids[0]).port

        def coordinator():
            error = find_coordinator(port, "capped")[0]
            if error == COORDINATOR_NOT_AVAILABLE:
                return None
            self.assertEqual(error, NONE)
            return True

        self.wait_until(coordinator, 20, "a coordinator for the group")
        self.assert_replicated("__consumer_offsets", OFFSETS_PARTITIONS, 2)

    def test_auto_created_and_grown_topics_get_the_replication_factor(self):
        port = self.cluster.broker(self.cluster.ids[0]).port
        self.wait_until(lambda: metadata(port, ["auto"], auto_create=True)["topics"]["auto"]["error"] == NONE, 20,
                        "the auto-created topic")
        self.wait_for_leaders("auto", 1)
        self.assert_replicated("auto", 1, 2)
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(),
                                 request_timeout_ms=15000)
        try:
            admin.create_partitions({"auto": NewPartitions(3)})
        finally:
            admin.close()
        self.wait_for_leaders("auto", 3)
        self.assert_replicated("auto", 3, 2)


if __name__ == "__main__":
    unittest.main()
