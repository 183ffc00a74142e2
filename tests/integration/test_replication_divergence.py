"""Divergence and truncation (issue 15): a leader acknowledges records with acks=1 that its
followers have not fetched (they are frozen meanwhile, after their last fetch was answered)
and is then frozen itself past its ZooKeeper session; the controller elects the next
in-sync replica, which takes other records at the same offsets under a newer leader epoch.
The old leader, resumed, comes back as a follower, truncates the suffix the new leader
never had and ends byte for byte like the others: every record acknowledged with acks=all
is there once, in order, and the lost acks=1 records nowhere."""

import time
import unittest

from cluster_wire import NONE, produce, read_log
from replication_fixture import ReplicationTestCase, batches, records

SESSION_MS = 3000


class DivergenceTest(ReplicationTestCase):
    SESSION_TIMEOUT_MS = SESSION_MS
    # The lag time is longer than the followers stay frozen, so the old leader keeps them in
    # its ISR and the controller may elect one of them; a follower's fetch waits at most
    # 200 ms, well within the second they are frozen before the acks=1 write.
    BROKER_ARGS = ("--replica_lag_time_max_ms=8000", "--replica_fetch_wait_max_ms=200")

    def test_a_returning_leader_truncates_what_the_new_leader_never_had(self):
        controller = self.cluster.controller_id()
        old, new = self.non_controllers()
        replicas = [old, new, controller]
        self.create_topic("split", {0: replicas})
        old_port, new_port = self.cluster.broker(old).port, self.cluster.broker(new).port
        base = [b"base-%d" % i for i in range(10)]
        self.assertEqual(produce(old_port, "split", 0, base[:6]), (NONE, 0))
        self.assertEqual(produce(old_port, "split", 0, base[6:]), (NONE, 6))
        first_epoch = self.zk_state("split", 0)[0]["leader_epoch"]

        self.cluster.pause(new)
        self.cluster.pause(controller)
        time.sleep(1.0)  # a fetch the followers had in flight is answered (empty) meanwhile
        lost = [b"lost-%d" % i for i in range(7)]
        self.assertEqual(produce(old_port, "split", 0, lost, acks=1), (NONE, 10))
        self.cluster.pause(old)
        self.cluster.resume(new)
        self.cluster.resume(controller)

        self.wait_until(lambda: self.cluster.leaders("split")[0] == new, SESSION_MS / 1000 + 15,
                        "broker %d to lead split-0 after %d's session expired" % (new, old))
        self.assertEqual(self.leader_serving("split", 0), new)
        state, _ = self.zk_state("split", 0)
        self.assertGreater(state["leader_epoch"], first_epoch)
        self.assertEqual(sorted(state["isr"]), sorted([new, controller]))
        self.assertEqual([v for _, _, v in records(read_log(new_port, "split", 0))], base,
                         "the new leader's log: did the followers fetch the acks=1 records "
                         "before the old leader froze?" + self.cluster.log_tails(40))
        other = [b"other-%d" % i for i in range(4)]
        self.assertEqual(produce(new_port, "split", 0, other), (NONE, 10))

        self.cluster.resume(old)
        self.cluster.wait_ready(timeout=30)
        self.wait_isr("split", 0, replicas, timeout=30)
        more = [b"more-%d" % i for i in range(3)]
        self.assertEqual(produce(new_port, "split", 0, more), (NONE, 14))

        log = self.assert_replicas_identical([("split", 0)], replicas)[("split", 0)]
        self.assertEqual([(o, v) for o, _, v in records(log)],
                         list(enumerate(base + other + more)))
        self.assertEqual([(b["base_offset"], b["leader_epoch"]) for b in batches(log)],
                         [(0, first_epoch), (6, first_epoch), (10, state["leader_epoch"]),
                          (14, state["leader_epoch"])])


if __name__ == "__main__":
    unittest.main()
