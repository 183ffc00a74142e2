"""A 3-broker cluster as clients and ZooKeeper see it: kcat and kafka-python list the three
brokers and the controller; a 6-partition topic created through a broker that is not the
controller (which forwards the request) gets two leaders on each broker; every broker
answers Metadata and DescribeCluster alike; and the znodes follow Kafka's ZooKeeper
layout, value for value."""

import json
import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import ClusterTestCase
from cluster_wire import (NONE, TOPIC_ALREADY_EXISTS, Connection, create_topics_answer,
                          create_topics_request, describe_cluster, metadata)
from kafka_helpers import kcat


class ClusterMetadataTest(ClusterTestCase):
    def non_controller(self):
        controller = self.cluster.controller_id()
        return next(i for i in self.cluster.ids if i != controller)

    def create_topic(self, via, name, partitions, configs=None):
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(via),
                                 request_timeout_ms=15000)
        try:
            admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs or {})])
        finally:
            admin.close()

    def test_clients_see_three_brokers_and_the_controller(self):
        controller = self.cluster.controller_id()
        self.assertIn(controller, self.cluster.ids)
        ports = {i: self.cluster.broker(i).port for i in self.cluster.ids}

        for i in self.cluster.ids:
            listing = json.loads(kcat("-b", self.cluster.bootstrap(i), "-L", "-J"))
            self.assertEqual(listing["controllerid"], controller)
            self.assertEqual({b["id"]: b["name"] for b in listing["brokers"]},
                             {j: "127.0.0.1:%d" % p for j, p in ports.items()})

            admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(i))
            try:
                described = admin.describe_cluster()
            finally:
                admin.close()
            self.assertEqual(described["controller_id"], controller)
            self.assertEqual({b["node_id"]: (b["host"], b["port"]) for b in described["brokers"]},
                             {j: ("127.0.0.1", p) for j, p in ports.items()})

            error, cluster_id, dc_controller, brokers = describe_cluster(ports[i])
            self.assertEqual(error, 0)
            self.assertEqual(dc_controller, controller)
            self.assertEqual(brokers, {j: ("127.0.0.1", p) for j, p in ports.items()})
            self.assertEqual(cluster_id, self.cluster.znode_json("/cluster/id")[0]["id"])

    def test_a_topic_created_on_a_non_controller_spreads_its_leaders(self):
        # Sent by hand: the admin clients of the libraries send CreateTopics to the
        # controller themselves; this one must be forwarded.
        via = self.non_controller()
        with Connection(self.cluster.broker(via).port) as conn:
            self.assertEqual(create_topics_answer(conn.call(19, 2, create_topics_request(
                "spread", 6))), (NONE, None))
            self.assertEqual(create_topics_answer(conn.call(19, 2, create_topics_request(
                "spread", 6)))[0], TOPIC_ALREADY_EXISTS)
        leaders = self.wait_for_leaders("spread", 6)
        per_broker = {i: sorted(p for p, l in leaders.items() if l == i) for i in self.cluster.ids}
        self.assertEqual({i: len(ps) for i, ps in per_broker.items()},
                         {i: 2 for i in self.cluster.ids}, per_broker)

        listing = json.loads(kcat("-b", self.cluster.bootstrap(via), "-L", "-J", "-t", "spread"))
        (topic,) = listing["topics"]
        self.assertEqual({p["partition"]: p["leader"] for p in topic["partitions"]}, leaders)

        answers = [metadata(self.cluster.broker(i).port, ["spread"]) for i in self.cluster.ids]
        for answer in answers[1:]:
            self.assertEqual(answer["topics"]["spread"], answers[0]["topics"]["spread"])
            self.assertEqual(answer["cluster_id"], answers[0]["cluster_id"])
        for p, part in answers[0]["topics"]["spread"]["partitions"].items():
            self.assertEqual(part["error"], 0)
            self.assertEqual(part["replicas"], [leaders[p]])
            self.assertEqual(part["isr"], [leaders[p]])

    def test_the_znodes_follow_kafkas_layout(self):
        self.create_topic(self.non_controller(), "layout", 6, {"retention.ms": "3600000"})
        self.create_topic(self.non_controller(), "plain", 2)
        self.wait_for_leaders("layout", 6)
        self.wait_for_leaders("plain", 2)
        answer = metadata(self.cluster.broker(self.cluster.ids[0]).port, ["layout"])

        cluster_id, _ = self.cluster.znode_json("/cluster/id")
        self.assertEqual(cluster_id, {"version": "1", "id": answer["cluster_id"]})
        self.assertTrue(answer["cluster_id"])

        self.assertEqual(self.cluster.registered_ids(), self.cluster.ids)
        for i in self.cluster.ids:
            registration, stat = self.cluster.znode_json("/brokers/ids/%d" % i)
            port = self.cluster.broker(i).port
            self.assertNotEqual(stat.ephemeralOwner, 0, "/brokers/ids/%d is not ephemeral" % i)
            self.assertEqual(registration["host"], "127.0.0.1")
            self.assertEqual(registration["port"], port)
            self.assertEqual(registration["endpoints"], ["PLAINTEXT://127.0.0.1:%d" % port])
            self.assertEqual(registration["version"], 5)
            self.assertIsInstance(registration["timestamp"], str)

        controller, stat = self.cluster.znode_json("/controller")
        self.assertNotEqual(stat.ephemeralOwner, 0, "/controller is not ephemeral")
        self.assertEqual(controller["version"], 1)
        self.assertEqual(controller["brokerid"], answer["controller_id"])
        int(controller["timestamp"])
        controller_epoch = self.cluster.controller_epoch()
        self.assertGreaterEqual(controller_epoch, 1)
        # The controller's session owns both ephemeral nodes.
        self.assertEqual(stat.ephemeralOwner, self.cluster.znode(
            "/brokers/ids/%d" % controller["brokerid"])[1].ephemeralOwner)

        assignment, _ = self.cluster.znode_json("/brokers/topics/layout")
        topic = answer["topics"]["layout"]
        self.assertEqual(assignment["topic_id"], topic["topic_id"])
        self.assertEqual(assignment["version"], 2)
        self.assertEqual(assignment["partitions"],
                         {str(p): part["replicas"] for p, part in topic["partitions"].items()})
        self.assertEqual(self.cluster.children("/brokers/topics/layout/partitions"),
                         sorted(str(p) for p in range(6)))
        for p, (state, _) in self.cluster.partition_states("layout").items():
            leader = assignment["partitions"][str(p)][0]
            self.assertEqual(state, {"version": 1, "leader": leader,
                                     "leader_epoch": topic["partitions"][p]["leader_epoch"],
                                     "controller_epoch": controller_epoch, "isr": [leader]})
            self.assertEqual(topic["partitions"][p]["leader"], leader)

        config, _ = self.cluster.znode_json("/config/topics/layout")
        self.assertEqual(config, {"version": 1, "config": {"retention.ms": "3600000"}})
        config, _ = self.cluster.znode_json("/config/topics/plain")
        self.assertEqual(config, {"version": 1, "config": {}})
        self.assertNotEqual(self.cluster.znode_json("/brokers/topics/plain")[0]["topic_id"],
                            assignment["topic_id"])


if __name__ == "__main__":
    unittest.main()
