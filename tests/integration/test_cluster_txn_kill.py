"""kill -9 of a transaction coordinator's broker on a 3-broker cluster (issue 17), with
confluent-kafka 1.7.0 (librdkafka 2.0.2) transactional producers; __transaction_state and
the data topic are replicated three times, a data partition led by each broker. Real faults
only:

- between prepare and complete: a data partition's leader is frozen (SIGSTOP) so that its
  marker cannot be written, the producer commits (EndTxn is answered once PrepareCommit is
  in the state log's ISR), the coordinator's broker is killed -9 and the frozen one resumed:
  the broker that takes over the id's state partition replays PrepareCommit and writes
  every marker;
- mid-transaction: the coordinator's broker is killed -9 with the transaction Ongoing; the
  same producer ends it through the new coordinator.

Afterwards every partition's last stable offset reaches its high watermark, the
read_committed view holds exactly the committed transactions, each whole, and the producer
(re-initialised in the first case) goes on.

The first case found a torn transaction: the coordinator answered EndTxn once PrepareCommit
was flushed on its own disk, before any follower had it; the broker that took over the state
partition replayed the transaction as Ongoing and aborted it, while the frozen partition
took the old coordinator's COMMIT. The state log now waits for its ISR
(net/replication/internal_log_replication.h)."""

import unittest

from cluster_wire import Connection
from kafka_wire import NO_TAGS, carray, cstring
from replication_fixture import ReplicationTestCase
from txn_kill_checks import (READ_COMMITTED, READ_UNCOMMITTED, begin_and_write,
                             check_visibility, end_or_abort, read_values, slots, stable,
                             transaction, txn_coordinator, txn_producer, txn_values)

TOPIC = "txn-cluster-kill"
# A one-replica topic on the broker frozen in the prepare→complete test.
FROZEN_TOPIC = "txn-cluster-frozen"
PARTITIONS = 3
PER_PARTITION = 20
TXN_ID = "txn-cluster-kill-producer"
DESCRIBE_TRANSACTIONS = 65


def describe_transaction(port, transactional_id):
    """The state DescribeTransactions v0 to the broker on `port` gives the id."""
    with Connection(port) as conn:
        r = conn.call(DESCRIBE_TRANSACTIONS, 0, carray([cstring(transactional_id)]) + NO_TAGS,
                      flexible=True)
    r.take(">i")  # throttle_time_ms
    states = r.carray(lambda r: (r.take(">h"), r.cstring(), r.cstring()))
    error, name, state = states[0]
    assert error == 0 and name == transactional_id, (error, name)
    return state


class ClusterTxnKillTest(ReplicationTestCase):
    # Short lag and session timeouts, so that a frozen broker leaves the ISRs and loses its
    # leaderships within seconds.
    BROKER_ARGS = ("--replica_lag_time_max_ms=1500", "--default_replication_factor=3",
                   "--transaction_state_log_num_partitions=3",
                   "--transaction_state_log_replication_factor=3",
                   "--offsets_topic_replication_factor=3")

    def setUp(self):
        super().setUp()
        self.slots = []
        self.producers = []
        self.addCleanup(self.close_producers)

    def close_producers(self):
        for producer in self.producers:
            producer.purge()
        self.producers.clear()

    def producer(self):
        producer = txn_producer(self.cluster.bootstrap(), TXN_ID)
        self.producers.append(producer)
        return producer

    def create(self, topic, assignment):
        self.create_topic(topic, assignment)
        self.slots += slots(topic, len(assignment))

    def coordinator(self):
        """The broker every live broker names the coordinator of TXN_ID."""
        def agreed():
            found = {txn_coordinator(self.cluster.broker(i).port, TXN_ID)
                     for i in self.cluster.live_ids}
            if len(found) == 1:
                error, node = found.pop()
                return node if error == 0 and node in self.cluster.live_ids else None
            return None
        return self.wait_until(agreed, 20, "the coordinator of %s" % TXN_ID)

    def leader_ports(self):
        """{slot: port of its leader} once every live broker agrees on the leaders."""
        ports = {}
        for topic in sorted({t for t, _ in self.slots}):
            count = sum(1 for t, _ in self.slots if t == topic)
            for p, leader in self.wait_for_leaders(topic, count, timeout=30).items():
                ports[(topic, p)] = self.cluster.broker(leader).port
        return ports

    def views(self):
        """(read_committed, read_uncommitted) once no partition has an open transaction."""
        self.wait_until(lambda: stable(self.leader_ports()), 40,
                        "every last stable offset at its high watermark", interval=0.2)
        bootstrap = self.cluster.bootstrap()
        return (read_values(bootstrap, self.slots, READ_COMMITTED),
                read_values(bootstrap, self.slots, READ_UNCOMMITTED))

    def test_coordinator_killed_between_prepare_and_complete(self):
        producer = self.producer()
        coordinator = self.coordinator()
        # The frozen topic lives on one broker other than the coordinator only: frozen, it
        # cannot take its marker and no other broker can lead it meanwhile. The other
        # topic's partitions fail over.
        frozen, third = [i for i in self.cluster.ids if i != coordinator]
        self.create(FROZEN_TOPIC, {0: [frozen]})
        self.create(TOPIC, {0: [coordinator, third, frozen], 1: [third, frozen, coordinator],
                            2: [frozen, coordinator, third]})
        txns = {name: txn_values(name, self.slots, PER_PARTITION)
                for name in ("before", "prepared", "after")}
        transaction(producer, txns["before"])
        begin_and_write(producer, txns["prepared"])
        self.cluster.pause(frozen)
        producer.commit_transaction(60)
        state = describe_transaction(self.cluster.broker(coordinator).port, TXN_ID)
        self.assertEqual(state, "PrepareCommit", "the transaction is not between prepare "
                         "and complete when its coordinator is killed")
        self.cluster.kill(coordinator)
        self.cluster.resume(frozen)
        producer = self.producer()
        transaction(producer, txns["after"])
        committed, uncommitted = self.views()
        check_visibility(self, committed, uncommitted, txns,
                         {"before": True, "prepared": True, "after": True})

    def test_coordinator_killed_mid_transaction(self):
        ids = self.cluster.ids
        self.create(TOPIC, {p: ids[p:] + ids[:p] for p in range(PARTITIONS)})
        txns = {name: txn_values(name, self.slots, PER_PARTITION)
                for name in ("before", "open", "after")}
        producer = self.producer()
        transaction(producer, txns["before"])
        coordinator = self.coordinator()
        begin_and_write(producer, txns["open"])
        self.cluster.kill(coordinator)
        committed_open = end_or_abort(producer, commit=True)
        transaction(producer, txns["after"])
        committed, uncommitted = self.views()
        check_visibility(self, committed, uncommitted, txns,
                         {"before": True, "open": committed_open, "after": True})
        print("\nthe transaction open at the kill was %s" %
              ("committed" if committed_open else "aborted"))


if __name__ == "__main__":
    unittest.main()
