"""The in-sync replica set (issue 15): a follower frozen with SIGSTOP leaves the ISR once
it has not caught up for --replica_lag_time_max_ms (its ZooKeeper session, longer, stays:
the leader shrinks the ISR, not the controller on a broker's death), as ZooKeeper and
every broker's Metadata show; acks=all goes on where min.insync.replicas is 2 and gets
NOT_ENOUGH_REPLICAS where it is 3 (nothing appended; acks=1 still goes); resumed with
SIGCONT, the follower catches up and rejoins. Afterwards each topic holds exactly the
acknowledged records, in order, on all three replicas byte for byte. (A follower counts as
caught up while its log end equals the leader's, as in Kafka, so each topic gets a write
the frozen one misses.)"""

import re
import time
import unittest

from cluster_wire import NONE, NOT_ENOUGH_REPLICAS, produce
from kafka_helpers import ck_consume, ck_produce, ck_producer
from replication_fixture import ReplicationTestCase, records

LAG_MS = 1500


class IsrTest(ReplicationTestCase):
    SESSION_TIMEOUT_MS = 10000
    BROKER_ARGS = ("--replica_lag_time_max_ms=%d" % LAG_MS,)

    def test_a_frozen_follower_leaves_the_isr_and_rejoins(self):
        controller = self.cluster.controller_id()
        leader, follower = self.non_controllers()
        replicas = [leader, follower, controller]
        self.create_topic("two", {0: replicas}, {"min.insync.replicas": "2"})
        self.create_topic("three", {0: replicas}, {"min.insync.replicas": "3"})
        port = self.cluster.broker(leader).port
        acked = {"two": [], "three": []}

        def write(topic, tag, acks=-1, count=5):
            values = [b"%s-%s-%d" % (topic.encode(), tag, i) for i in range(count)]
            error, base = produce(port, topic, 0, values, acks)
            if error == NONE:
                self.assertEqual(base, len(acked[topic]), "%s: base offset of %s" % (topic, tag))
                acked[topic] += values
            return error

        for topic in acked:
            self.assertEqual(write(topic, b"before"), NONE)
        before, before_stat = self.zk_state("two", 0)

        self.cluster.pause(follower)
        started = time.time()
        # As in Kafka, a follower whose log end equals the leader's counts as caught up: an
        # acks=1 write leaves the frozen one behind on "three" too.
        self.assertEqual(write("three", b"acks1", acks=1), NONE)
        # The follower does not fetch it: answered once the ISR has shrunk.
        self.assertEqual(write("two", b"shrinking"), NONE)
        waited = time.time() - started
        self.wait_isr("two", 0, [leader, controller], timeout=10)
        self.wait_isr("three", 0, [leader, controller], timeout=10)
        self.assertGreater(waited, LAG_MS / 1000 * 0.6,
                           "acks=all was answered %.2fs after the follower froze" % waited)
        self.assertIn(follower, self.cluster.registered_ids(),
                      "the frozen follower's session ended: the test no longer tests the lag")
        after, after_stat = self.zk_state("two", 0)
        self.assertEqual(after["leader"], leader)
        self.assertEqual(after["leader_epoch"], before["leader_epoch"])
        self.assertGreater(after_stat.version, before_stat.version)
        self.assertRegex(self.cluster.broker(leader).output(), r"two-0\b.*ISR")

        self.assertEqual(write("two", b"shrunk"), NONE)
        self.assertEqual(write("three", b"refused"), NOT_ENOUGH_REPLICAS)
        self.assertEqual(write("three", b"acks1-shrunk", acks=1), NONE)
        producer = ck_producer(self.cluster.bootstrap(leader), acks="all")
        values = [b"two-ck-%d" % i for i in range(500)]
        ck_produce(producer, "two", [(None, v, None, None) for v in values])
        acked["two"] += values

        self.cluster.resume(follower)
        self.wait_isr("two", 0, replicas, timeout=15)
        self.wait_isr("three", 0, replicas, timeout=15)
        self.assertEqual(write("three", b"after"), NONE)
        self.assertEqual(write("two", b"after"), NONE)

        for topic, values in acked.items():
            got = ck_consume(self.cluster.bootstrap(), topic, len(values), timeout=20)
            self.assertEqual([m.value() for m in got], values, topic)
        logs = self.assert_replicas_identical([("two", 0), ("three", 0)], replicas)
        for topic, values in acked.items():
            self.assertEqual([(o, v) for o, _, v in records(logs[(topic, 0)])],
                             list(enumerate(values)), topic)
        self.assertFalse(re.search(rb"three-refused", logs[("three", 0)]))


if __name__ == "__main__":
    unittest.main()
