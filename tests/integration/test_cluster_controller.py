"""The controller of a 3-broker cluster fails and is replaced.

kill -9: another broker is controller with the next /controller_epoch within the session
timeout (plus a margin), takes the dead broker's partitions offline, creates topics on the
live brokers; the old controller, restarted, follows the new one and leads its partitions
again with its data.

Fencing: a controller frozen with SIGSTOP past its session and then resumed writes no
partition state: every state znode written after the takeover carries the new controller
epoch, also while the resumed broker answers a CreateTopics it had received while frozen.
"""

import time
import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import ClusterTestCase
from cluster_wire import (NONE, NOT_CONTROLLER, REQUEST_TIMED_OUT, Connection,
                          create_topics_answer, create_topics_request, list_offsets, metadata,
                          produce)

# From the broker's death to a new controller: the session timeout, ZooKeeper's expiry
# check (a tick), the election and a loaded 2-core machine's delays.
TAKEOVER_MARGIN_S = 5.0


class ControllerTestCase(ClusterTestCase):
    def create_topic(self, via, name, partitions):
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(via),
                                 request_timeout_ms=15000)
        try:
            admin.create_topics([NewTopic(name, partitions, 1)])
        finally:
            admin.close()
        return self.wait_for_leaders(name, partitions)

    def wait_for_new_controller(self, old, old_epoch):
        """The new controller's id, once /controller names a broker other than `old` with
        a higher epoch; within the session timeout plus the margin."""
        timeout = self.cluster.session_timeout_ms / 1000 + TAKEOVER_MARGIN_S

        def replaced():
            controller = self.cluster.controller_id()
            epoch = self.cluster.controller_epoch()
            if controller is not None and controller != old and epoch > old_epoch:
                return controller
            return None

        return self.wait_until(replaced, timeout, "a controller other than %d" % old)

    def wait_offline(self, topic, broker_id, partitions, epoch):
        """Until the partitions of `topic` in `partitions` have no leader, a higher leader
        epoch than given and controller epoch `epoch`."""
        def offline():
            states = self.cluster.partition_states(topic)
            return all(states[p][0]["leader"] == -1 and
                       states[p][0]["leader_epoch"] > partitions[p] and
                       states[p][0]["controller_epoch"] == epoch for p in partitions)
        self.wait_until(offline, 10, "partitions %s of broker %d offline" %
                        (sorted(partitions), broker_id))


class ControllerFailoverTest(ControllerTestCase):
    def test_a_killed_controller_is_replaced_and_follows_when_it_returns(self):
        old = self.cluster.controller_id()
        old_epoch = self.cluster.controller_epoch()
        leaders = self.create_topic(old, "before", 6)
        for p, leader in leaders.items():
            self.assertEqual(produce(self.cluster.broker(leader).port, "before", p,
                                     [b"v%d" % p]), (NONE, 0))
        states = self.cluster.partition_states("before")
        old_partitions = {p: states[p][0]["leader_epoch"] for p, l in leaders.items() if l == old}
        self.assertEqual(len(old_partitions), 2)

        self.cluster.kill(old)
        new = self.wait_for_new_controller(old, old_epoch)
        new_epoch = self.cluster.controller_epoch()
        self.assertEqual(new_epoch, old_epoch + 1)
        self.cluster.wait_ready()
        self.wait_offline("before", old, old_partitions, new_epoch)
        for p, leader in leaders.items():
            if leader != old:
                self.assertEqual(states[p][0], self.cluster.partition_states("before")[p][0])

        survivor = next(i for i in self.cluster.live_ids if i != new)
        after = self.create_topic(survivor, "after", 4)
        self.assertEqual(sorted(after.values()), sorted(self.cluster.live_ids * 2))
        for p, (state, _) in self.cluster.partition_states("after").items():
            self.assertEqual(state["controller_epoch"], new_epoch)
            self.assertEqual(produce(self.cluster.broker(after[p]).port, "after", p, [b"x"]),
                             (NONE, 0))

        self.cluster.start_broker(old)
        self.cluster.wait_ready()
        self.assertEqual(self.cluster.controller_id(), new)
        self.assertEqual(self.cluster.controller_epoch(), new_epoch)
        self.assertEqual(metadata(self.cluster.broker(old).port, [])["controller_id"], new)
        back = self.wait_for_leaders("before", 6)
        self.assertEqual(back, leaders)
        states = self.cluster.partition_states("before")
        for p, epoch in old_partitions.items():
            self.assertGreater(states[p][0]["leader_epoch"], epoch + 1)
            self.assertEqual(states[p][0]["controller_epoch"], new_epoch)
            port = self.cluster.broker(old).port
            self.assertEqual(list_offsets(port, "before", p), (NONE, 1))
            self.assertEqual(produce(port, "before", p, [b"again"]), (NONE, 1))
        # Topic creation works through the returned broker too.
        self.create_topic(old, "later", 3)


class ControllerFencingTest(ControllerTestCase):
    def test_a_frozen_controller_writes_nothing_after_its_session_is_gone(self):
        old = self.cluster.controller_id()
        old_epoch = self.cluster.controller_epoch()
        self.create_topic(old, "fenced", 6)
        owner = self.cluster.znode("/brokers/ids/%d" % old)[1].ephemeralOwner

        self.cluster.pause(old)
        # Sits in the frozen broker's socket until it resumes, then meets a controller
        # that believes it still is one.
        pending = Connection(self.cluster.broker(old).port, timeout=30)
        self.addCleanup(pending.close)
        correlation_id = pending.send(19, 2, create_topics_request("zombie", 3))

        new = self.wait_for_new_controller(old, old_epoch)
        new_epoch = self.cluster.controller_epoch()
        self.assertEqual(new_epoch, old_epoch + 1)
        takeover_zxid = self.cluster.znode("/controller")[1].czxid
        self.cluster.wait_ready()

        self.cluster.resume(old)
        # Forwarded to the new controller, refused as no longer controller, or timed out
        # while its ZooKeeper connection is lost and it cannot tell yet: never written by it.
        error, message = create_topics_answer(pending.receive(correlation_id))
        self.assertIn(error, (NONE, NOT_CONTROLLER, REQUEST_TIMED_OUT), message)
        self.cluster.wait_ready()
        self.assertNotEqual(self.cluster.znode("/brokers/ids/%d" % old)[1].ephemeralOwner, owner,
                            "the resumed broker kept its expired session's registration")
        time.sleep(2)  # time for anything the resumed broker still meant to write

        self.assertEqual(self.cluster.controller_id(), new)
        self.assertEqual(self.cluster.controller_epoch(), new_epoch)
        for (topic, p), (state, stat) in self.cluster.all_partition_states().items():
            if stat.mzxid > takeover_zxid:
                self.assertEqual(state["controller_epoch"], new_epoch,
                                 "%s-%d written after the takeover: %s" % (topic, p, state))
        zombie = self.cluster.partition_states("zombie")
        self.assertEqual(error == NONE, bool(zombie))
        for p, (state, stat) in zombie.items():
            self.assertGreater(stat.czxid, takeover_zxid)

        leaders = self.create_topic(new, "fresh", 6)
        self.assertEqual(sorted(set(leaders.values())), self.cluster.ids)
        for p, (state, _) in self.cluster.partition_states("fresh").items():
            self.assertEqual(state["controller_epoch"], new_epoch)
        # The resumed broker serves what it leads.
        self.wait_for_leaders("fenced", 6)
        for p, leader in self.cluster.leaders("fenced").items():
            self.assertEqual(produce(self.cluster.broker(leader).port, "fenced", p, [b"f"]),
                             (NONE, 0))


if __name__ == "__main__":
    unittest.main()
