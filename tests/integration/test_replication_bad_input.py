"""Bad input to the leader's side of replication on a 3-broker cluster, sent by hand to one
chosen broker (Fetch v12 with a replica id, ListOffsets v4, OffsetForLeaderEpoch v4):

- a replica fetch from a broker id that is not a replica of the partition, or to a broker
  that does not lead it, is refused with NOT_LEADER_OR_FOLLOWER, naming the leader;
- a current leader epoch older than the leader's is FENCED_LEADER_EPOCH and a newer one
  UNKNOWN_LEADER_EPOCH, for followers and consumers alike (and in ListOffsets and
  OffsetForLeaderEpoch);
- a fetch beyond the log end is OFFSET_OUT_OF_RANGE with the log start and high watermark;
- a follower whose last fetched epoch ends in the leader's log before its fetch offset gets
  diverging_epoch and no records.
After each refusal the same broker serves a well-formed fetch: nothing is broken."""

import struct
import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import ClusterTestCase
from cluster_wire import NONE, NOT_LEADER_OR_FOLLOWER, Connection, fetch, metadata, produce
from kafka_wire import NO_TAGS, carray, cstring

OFFSET_OUT_OF_RANGE = 1
FENCED_LEADER_EPOCH = 74
UNKNOWN_LEADER_EPOCH = 75
CONSUMER = -1


def list_offsets_v4(port, topic, partition, current_leader_epoch, timestamp=-1):
    """ListOffsets v4: (error, offset, leader_epoch)."""
    body = (struct.pack(">ib", -1, 0) + struct.pack(">i", 1) + struct.pack(">h", len(topic)) +
            topic.encode() + struct.pack(">iiiq", 1, partition, current_leader_epoch, timestamp))
    with Connection(port) as conn:
        r = conn.call(2, 4, body)
    r.take(">i")  # throttle
    assert r.take(">i") == 1
    r.string()
    assert r.take(">i") == 1
    _index, error, _ts, offset, epoch = r.take(">ihqqi")
    return error, offset, epoch


def offset_for_leader_epoch(port, topic, partition, current_leader_epoch, leader_epoch,
                            replica_id=CONSUMER):
    """OffsetForLeaderEpoch v4: (error, leader_epoch, end_offset)."""
    part = struct.pack(">iii", partition, current_leader_epoch, leader_epoch) + NO_TAGS
    body = (struct.pack(">i", replica_id) + carray([cstring(topic) + carray([part]) + NO_TAGS]) +
            NO_TAGS)
    with Connection(port) as conn:
        r = conn.call(23, 4, body, flexible=True)
    r.take(">i")  # throttle
    topics = r.carray(lambda r: (r.cstring(), r.carray(lambda r: (r.take(">hiiq"), r.tags()))))
    error, _index, epoch, end = topics[0][1][0][0]
    return error, epoch, end


class ReplicationBadInputTest(ClusterTestCase):

    def create_topic(self, name, replication_factor):
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(),
                                 request_timeout_ms=15000)
        try:
            admin.create_topics([NewTopic(name, 1, replication_factor)])
        finally:
            admin.close()
        return self.wait_for_leaders(name, 1)[0]

    def state(self, topic):
        """(leader, leader_epoch, replicas) of partition 0 as the leader's Metadata says."""
        leader = self.cluster.leaders(topic)[0]
        p = metadata(self.cluster.broker(leader).port, [topic])["topics"][topic]["partitions"][0]
        return leader, p["leader_epoch"], p["replicas"]

    def produce_some(self, topic, leader, count):
        error, _ = produce(self.cluster.broker(leader).port, topic, 0,
                           [b"v%d" % i for i in range(count)], acks=-1)
        self.assertEqual(error, NONE)

    def test_replica_fetch_from_a_non_replica_or_to_a_non_leader(self):
        self.create_topic("narrow", 2)
        leader, epoch, replicas = self.state("narrow")
        self.assertEqual(len(replicas), 2)
        outsider = next(i for i in self.cluster.ids if i not in replicas)
        follower = next(i for i in replicas if i != leader)
        self.produce_some("narrow", leader, 3)
        port = self.cluster.broker(leader).port
        for replica_id in (outsider, 99):
            answer = fetch(port, "narrow", 0, 0, replica_id)
            self.assertEqual(answer["error"], NOT_LEADER_OR_FOLLOWER, replica_id)
            self.assertEqual(answer["records"], b"")
            self.assertEqual(answer["current_leader"], (leader, epoch))
        # A follower's fetch to another follower: only the leader serves replicas.
        answer = fetch(self.cluster.broker(follower).port, "narrow", 0, 0, leader)
        self.assertEqual(answer["error"], NOT_LEADER_OR_FOLLOWER)
        self.assertEqual(answer["current_leader"], (leader, epoch))
        # The real follower still gets the records.
        answer = fetch(port, "narrow", 0, 0, follower, current_leader_epoch=epoch)
        self.assertEqual(answer["error"], NONE)
        self.assertNotEqual(answer["records"], b"")

    def test_newer_leader_epoch_is_unknown(self):
        leader, epoch, replicas = self.state_of_new_topic("newer")
        follower = next(i for i in replicas if i != leader)
        port = self.cluster.broker(leader).port
        for replica_id in (follower, CONSUMER):
            answer = fetch(port, "newer", 0, 0, replica_id, current_leader_epoch=epoch + 1)
            self.assertEqual(answer["error"], UNKNOWN_LEADER_EPOCH, replica_id)
            self.assertEqual(answer["current_leader"], (leader, epoch))
        self.assertEqual(list_offsets_v4(port, "newer", 0, epoch + 1)[0], UNKNOWN_LEADER_EPOCH)
        self.assertEqual(offset_for_leader_epoch(port, "newer", 0, epoch + 1, epoch)[0],
                         UNKNOWN_LEADER_EPOCH)
        self.assertEqual(fetch(port, "newer", 0, 0, follower, epoch)["error"], NONE)

    def test_stale_leader_epoch_is_fenced(self):
        old_leader, old_epoch, _ = self.state_of_new_topic("stale")
        # A new leader, at a newer epoch: stop the old one.
        self.cluster.stop(old_leader)
        self.wait_until(lambda: self.cluster.leaders("stale").get(0) not in (None, old_leader),
                        20, "a new leader of stale-0")
        leader, epoch, replicas = self.state("stale")
        self.assertGreater(epoch, old_epoch)
        self.wait_for_leaders("stale", 1)
        port = self.cluster.broker(leader).port
        follower = next(i for i in replicas if i not in (leader, old_leader))
        for replica_id in (follower, CONSUMER):
            answer = fetch(port, "stale", 0, 0, replica_id, current_leader_epoch=old_epoch)
            self.assertEqual(answer["error"], FENCED_LEADER_EPOCH, replica_id)
            self.assertEqual(answer["current_leader"], (leader, epoch))
            self.assertEqual(answer["records"], b"")
        self.assertEqual(list_offsets_v4(port, "stale", 0, old_epoch)[0], FENCED_LEADER_EPOCH)
        self.assertEqual(offset_for_leader_epoch(port, "stale", 0, old_epoch, old_epoch)[0],
                         FENCED_LEADER_EPOCH)
        # The old epoch ends where the new one starts, here at 3.
        self.assertEqual(offset_for_leader_epoch(port, "stale", 0, epoch, old_epoch),
                         (NONE, old_epoch, 3))
        self.assertEqual(list_offsets_v4(port, "stale", 0, epoch, timestamp=-2),
                         (NONE, 0, old_epoch))
        # A follower that claims offsets 3-4 from the old epoch diverges: here that epoch
        # ends at 3, so it gets no records but where to truncate.
        self.produce_some("stale", leader, 2)
        answer = fetch(port, "stale", 0, 5, follower, current_leader_epoch=epoch,
                       last_fetched_epoch=old_epoch)
        self.assertEqual(answer["error"], NONE)
        self.assertEqual(answer["records"], b"")
        self.assertEqual(answer["diverging_epoch"], (old_epoch, 3))
        # With the new epoch's records it does not.
        answer = fetch(port, "stale", 0, 5, follower, current_leader_epoch=epoch,
                       last_fetched_epoch=epoch)
        self.assertEqual(answer["error"], NONE)
        self.assertEqual(answer["diverging_epoch"], (-1, -1), "no divergence")

    def test_fetch_beyond_the_log_end(self):
        leader, epoch, replicas = self.state_of_new_topic("short")
        follower = next(i for i in replicas if i != leader)
        port = self.cluster.broker(leader).port
        for replica_id in (follower, CONSUMER):
            answer = fetch(port, "short", 0, 10, replica_id, current_leader_epoch=epoch)
            self.assertEqual(answer["error"], OFFSET_OUT_OF_RANGE, replica_id)
            self.assertEqual(answer["log_start_offset"], 0)
            self.assertEqual(answer["records"], b"")
            self.assertLessEqual(answer["high_watermark"], 3)
        self.assertEqual(fetch(port, "short", 0, 3, follower, epoch)["error"], NONE)

    def state_of_new_topic(self, name):
        """Creates `name` (1 partition, RF 3) with 3 records: (leader, epoch, replicas)."""
        self.create_topic(name, 3)
        leader, epoch, replicas = self.state(name)
        self.produce_some(name, leader, 3)
        return leader, epoch, replicas


if __name__ == "__main__":
    unittest.main()
