"""AlterPartition (API 56) through real brokers: a partition leader's ISR change reaches
ZooKeeper and every broker's Metadata only through the active controller.

On a 3-broker cluster with a topic of replication factor 3: a broker that is not the
controller answers NOT_CONTROLLER; the controller takes a shrink from the leader at the
current partition epoch (the state znode's version) and answers the new state; a stale
partition epoch is INVALID_UPDATE_VERSION, an old leader epoch FENCED_LEADER_EPOCH; a dead
replica may not rejoin (OPERATION_NOT_ATTEMPTED in v1, INELIGIBLE_REPLICA in v2); an unknown
topic id is UNKNOWN_TOPIC_ID. Metadata shows the ISR and the offline replicas. Requests are sent by hand (cluster_wire.Connection) so that
each answer is the named broker's own.
"""

import base64
import struct
import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import ClusterTestCase
from cluster_wire import NONE, NOT_CONTROLLER, Connection, metadata
from kafka_wire import NO_TAGS, carray, cstring

ALTER_PARTITION = 56
OPERATION_NOT_ATTEMPTED = 55
FENCED_LEADER_EPOCH = 74
INVALID_UPDATE_VERSION = 95
UNKNOWN_TOPIC_ID = 100
INELIGIBLE_REPLICA = 107
TOPIC = "replicated"


def uuid_bytes(text):
    """A topic id's 16 bytes from the text Kafka keeps in ZooKeeper."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def alter_partition_request(version, broker_id, topic, leader_epoch, isr, partition_epoch,
                            partition=0):
    """AlterPartition v1 (topic by name) or v2 (by id: `topic` is the 16 bytes)."""
    part = (struct.pack(">ii", partition, leader_epoch) +
            carray([struct.pack(">i", b) for b in isr]) +
            struct.pack(">bi", 0, partition_epoch) + NO_TAGS)
    name = cstring(topic) if version < 2 else topic
    return (struct.pack(">iq", broker_id, -1) + carray([name + carray([part]) + NO_TAGS]) +
            NO_TAGS)


def alter_partition_answer(reader, version):
    """(request error, {partition: (error, leader, leader_epoch, isr, partition_epoch)})."""
    reader.take(">i")  # throttle_time_ms
    error = reader.take(">h")

    def partition(r):
        index, code, leader, epoch = r.take(">ihii")
        isr = r.carray(lambda x: x.take(">i"))
        _recovery, partition_epoch = r.take(">bi")
        r.tags()
        return index, (code, leader, epoch, isr, partition_epoch)

    def topic(r):
        r.cstring() if version < 2 else r.uuid()
        parts = dict(r.carray(partition))
        r.tags()
        return parts

    topics = reader.carray(topic)
    reader.tags()
    merged = {}
    for parts in topics or []:
        merged.update(parts)
    return error, merged


class AlterPartitionTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(),
                                 request_timeout_ms=15000)
        try:
            admin.create_topics([NewTopic(TOPIC, 1, 3)])
        finally:
            admin.close()
        self.leader = self.wait_for_leaders(TOPIC, 1)[0]
        self.controller = self.cluster.controller_id()

    def state(self):
        """(state JSON, version) of partition 0."""
        data, stat = self.cluster.partition_states(TOPIC)[0]
        return data, stat.version

    def alter(self, via, version, **fields):
        fields.setdefault("broker_id", self.leader)
        fields.setdefault("topic", TOPIC)
        with Connection(self.cluster.broker(via).port) as conn:
            reader = conn.call(ALTER_PARTITION, version,
                               alter_partition_request(version, **fields), flexible=True)
            return alter_partition_answer(reader, version)

    def test_the_controller_changes_the_isr_and_every_broker_sees_it(self):
        state, version = self.state()
        self.assertEqual(sorted(state["isr"]), [1, 2, 3])
        follower = next(i for i in state["isr"] if i != self.leader)
        smaller = [i for i in state["isr"] if i != follower]
        other = next(i for i in self.cluster.ids if i != self.controller)
        self.assertEqual(self.alter(other, 1, leader_epoch=state["leader_epoch"], isr=smaller,
                                    partition_epoch=version), (NOT_CONTROLLER, {}))
        self.assertEqual(self.state()[1], version)

        error, parts = self.alter(self.controller, 1, leader_epoch=state["leader_epoch"],
                                  isr=smaller, partition_epoch=version)
        self.assertEqual(error, NONE)
        self.assertEqual(parts[0], (NONE, self.leader, state["leader_epoch"], smaller,
                                    version + 1))
        written, new_version = self.state()
        self.assertEqual(new_version, version + 1)
        self.assertEqual(written["isr"], smaller)
        self.assertEqual(written["leader_epoch"], state["leader_epoch"])
        self.wait_until(lambda: all(
            metadata(self.cluster.broker(i).port, [TOPIC])["topics"][TOPIC]["partitions"][0]
            ["isr"] == smaller for i in self.cluster.ids), 10, "the new ISR in every Metadata")

        # The old partition epoch is stale; an old leader epoch is fenced.
        self.assertEqual(self.alter(self.controller, 1, leader_epoch=state["leader_epoch"],
                                    isr=[self.leader], partition_epoch=version)[1][0][0],
                         INVALID_UPDATE_VERSION)
        self.assertEqual(self.alter(self.controller, 1, leader_epoch=state["leader_epoch"] - 1,
                                    isr=[self.leader], partition_epoch=version + 1)[1][0][0],
                         FENCED_LEADER_EPOCH)

    def test_a_dead_replica_may_not_rejoin_and_an_unknown_topic_id_is_refused(self):
        victim = next(i for i in self.cluster.ids if i not in (self.leader, self.controller))
        self.cluster.kill(victim)
        self.wait_until(lambda: victim not in self.state()[0]["isr"], 15,
                        "broker %d out of the ISR" % victim)
        state, version = self.state()

        def described():
            part = metadata(self.cluster.broker(self.leader).port, [TOPIC])["topics"][TOPIC][
                "partitions"][0]
            return part["offline"] == [victim] and part["isr"] == state["isr"]

        self.wait_until(described, 10, "broker %d offline and out of the ISR in Metadata" % victim)
        whole = state["isr"] + [victim]
        self.assertEqual(self.alter(self.controller, 1, leader_epoch=state["leader_epoch"],
                                    isr=whole, partition_epoch=version)[1][0][0],
                         OPERATION_NOT_ATTEMPTED)
        topic_id = uuid_bytes(self.cluster.znode_json("/brokers/topics/" + TOPIC)[0]["topic_id"])
        self.assertEqual(self.alter(self.controller, 2, topic=topic_id,
                                    leader_epoch=state["leader_epoch"], isr=whole,
                                    partition_epoch=version)[1][0][0], INELIGIBLE_REPLICA)
        self.assertEqual(self.alter(self.controller, 2, topic=b"\x01" * 16,
                                    leader_epoch=state["leader_epoch"], isr=state["isr"],
                                    partition_epoch=version)[1][0][0], UNKNOWN_TOPIC_ID)
        self.assertEqual(self.state()[1], version)


if __name__ == "__main__":
    unittest.main()
