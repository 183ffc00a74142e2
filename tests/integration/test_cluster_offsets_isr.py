"""A group's committed offsets on a 3-broker cluster with __consumer_offsets replicated three
times: an OffsetCommit is answered only once the commit is on the offsets partition's
in-sync replicas, as Kafka's coordinator appends with acks=all. Real faults only: the two
followers of the group's offsets partition are frozen (SIGSTOP) while a commit is sent, and
the commit stays unanswered until they resume; then the coordinator's broker is killed -9
and the broker that takes over the partition serves the acknowledged offset.

Before, a commit was answered once flushed on the coordinator's own disk, so a coordinator
killed before its followers fetched lost an offset it had acknowledged."""

import socket
import unittest

from cluster_wire import (Connection, find_coordinator, offset_commit_answer,
                          offset_commit_request, offset_fetch, offsets_partition)
from replication_fixture import ReplicationTestCase

GROUP = "offsets-isr-group"
TOPIC = "offsets-isr-data"
OFFSETS_TOPIC = "__consumer_offsets"
OFFSET_COMMIT = 8


def commit_request(offset):
    return offset_commit_request(GROUP, TOPIC, 0, offset)


def fetch_committed(port):
    """(error, offset) of partition 0 of TOPIC for GROUP on the broker on `port`."""
    return offset_fetch(port, GROUP, TOPIC, 0)


class ClusterOffsetsIsrTest(ReplicationTestCase):
    # A lag time long enough that frozen followers stay in the ISR while the test looks.
    BROKER_ARGS = ("--replica_lag_time_max_ms=6000", "--offsets_topic_replication_factor=3",
                   "--offsets_topic_num_partitions=3", "--default_replication_factor=3")

    def agreed_coordinator(self):
        """The coordinator of GROUP when every live broker names the same one, else None."""
        answers = {find_coordinator(self.cluster.broker(i).port, GROUP)
                   for i in self.cluster.live_ids}
        if len(answers) != 1:
            return None
        error, node, _host, _port = answers.pop()
        return node if error == 0 else None

    def offsets_state(self, partition):
        state, _ = self.cluster.partition_states(OFFSETS_TOPIC)[partition]
        return state

    def test_a_commit_is_answered_once_on_the_isr_and_survives_its_coordinator(self):
        self.create_topic(TOPIC, {0: [1, 2, 3]})
        coordinator = self.wait_until(self.agreed_coordinator, 30,
                                      "a coordinator for %s" % GROUP)
        port = self.cluster.broker(coordinator).port

        def committed_first():
            # NOT_COORDINATOR until the coordinator has loaded the partition.
            with Connection(port) as conn:
                return offset_commit_answer(conn.call(OFFSET_COMMIT, 2, commit_request(5))) == 0

        self.wait_until(committed_first, 20, "a first commit")
        partition = offsets_partition(GROUP, 3)
        self.wait_until(lambda: sorted(self.offsets_state(partition)["isr"]) == [1, 2, 3], 20,
                        "the group's offsets partition %d fully in sync" % partition)
        followers = [i for i in (1, 2, 3) if i != coordinator]

        for i in followers:
            self.cluster.pause(i)
        try:
            conn = Connection(port)
            correlation_id = conn.send(OFFSET_COMMIT, 2, commit_request(42))
            conn.sock.settimeout(1.0)
            with self.assertRaises(socket.timeout,
                                   msg="answered while its followers were frozen"):
                conn.receive(correlation_id)
        finally:
            for i in followers:
                self.cluster.resume(i)
        conn.sock.settimeout(15)
        self.assertEqual(offset_commit_answer(conn.receive(correlation_id)), 0)
        conn.close()
        self.assertEqual(fetch_committed(port), (0, 42))

        # The acknowledged commit outlives its coordinator.
        self.cluster.kill(coordinator)

        def successor():
            """The new leader of the partition, once every live broker names it."""
            node = self.agreed_coordinator()
            leader = self.offsets_state(partition)["leader"]
            return node if node == leader and node not in (None, coordinator) else None

        new_coordinator = self.wait_until(successor, 30, "a new coordinator for %s" % GROUP)
        self.assertEqual(fetch_committed(self.cluster.broker(new_coordinator).port), (0, 42))


if __name__ == "__main__":
    unittest.main()
