"""KIP-890 part 1 in a 3-broker cluster, with raw frames: the leader of a data partition
asks the transaction coordinator on another broker (a verify-only AddPartitionsToTxn)
before it appends a transaction's first batch. The added partition takes its batch, one
the transaction never added answers INVALID_TXN_STATE with nothing appended, and the
committed transaction's marker reaches the partition."""

import unittest

from cluster_fixture import ClusterTestCase
from cluster_wire import Connection, create_topics_answer, create_topics_request, list_offsets
from txn_wire import (INVALID_TXN_STATE, NONE, add_partitions, end_txn, find_txn_coordinator,
                      init_producer_id, produce, producer_batch)

TOPIC = "verify"
PARTITIONS = 6


class ClusterTxnVerifyTest(ClusterTestCase):

    def coordinator_of(self, transactional_id):
        """(node, port) of the id's coordinator, once __transaction_state has leaders."""
        entry = self.cluster.broker(self.cluster.ids[0]).port

        def found():
            error, node, port = find_txn_coordinator(entry, transactional_id)
            return (node, port) if error == NONE else None

        return self.wait_until(found, 30, "the coordinator of %s" % transactional_id)

    def test_a_leader_verifies_with_the_coordinator_on_another_broker(self):
        entry = self.cluster.broker(self.cluster.ids[0]).port
        with Connection(entry) as conn:
            error, message = create_topics_answer(
                conn.call(19, 2, create_topics_request(TOPIC, PARTITIONS)))
        self.assertEqual(error, NONE, message)
        leaders = self.wait_for_leaders(TOPIC, PARTITIONS)
        # A transactional id whose coordinator leads none of two partitions of one leader.
        for n in range(100):
            txn = "verify-%d" % n
            coordinator, coordinator_port = self.coordinator_of(txn)
            led = {}
            for partition, leader in sorted(leaders.items()):
                if leader != coordinator:
                    led.setdefault(leader, []).append(partition)
            leader, partitions = next(((l, p) for l, p in led.items() if len(p) >= 2),
                                      (None, None))
            if leader is not None:
                break
        self.assertIsNotNone(leader, "no leader apart from the coordinator holds two partitions")
        added, never_added = partitions[:2]
        leader_port = self.cluster.broker(leader).port

        pid, epoch = init_producer_id(coordinator_port, txn)
        self.assertEqual(add_partitions(coordinator_port, txn, pid, epoch, TOPIC, [added]),
                         {added: NONE})
        answers = produce(leader_port, txn, TOPIC,
                          {added: producer_batch([b"a"], pid, epoch, 0),
                           never_added: producer_batch([b"x"], pid, epoch, 0)})
        self.assertEqual(answers[added], (NONE, 0))
        self.assertEqual(answers[never_added][0], INVALID_TXN_STATE)
        answers = produce(leader_port, txn, TOPIC, {added: producer_batch([b"b"], pid, epoch, 1)})
        self.assertEqual(answers[added], (NONE, 1))

        self.assertEqual(end_txn(coordinator_port, txn, pid, epoch, commit=True), NONE)
        self.wait_until(lambda: list_offsets(leader_port, TOPIC, added) == (NONE, 3), 20,
                        "the COMMIT marker on %s-%d" % (TOPIC, added))
        self.assertEqual(list_offsets(leader_port, TOPIC, never_added), (NONE, 0))


if __name__ == "__main__":
    unittest.main()
