"""Retried transactional requests arriving out of order on different connections, against
the real binary (the anomaly class of Jepsen's Bufstream analysis: Kafka's transaction
protocol assumes that a request and its retry, sent on two connections, arrive in order).

A raw producer (txn_frames.py) sends each copy on the connection the test chooses; a copy
is delayed by sending all of it but its last byte, and released later on a connection that
is still open, or closed right after it (the client gave up on it and retried elsewhere:
the broker is stopped meanwhile so that it reads the last byte and the close together).
After each ordering a read_committed reader must see every committed record once, no
aborted one, and a last stable offset at the high watermark (no transaction left open).

The copies released on a connection that is still open show what the coordinator answers a
stale request in each state; the ones released with the close (AddPartitionsToTxn, EndTxn,
InitProducerId, transactional Produce) show that the broker drops the stale copy
(net/apis/live_peer_requests.h), which it would otherwise apply to the next transaction. A stale EndTxn, or a stale Produce after
the next transaction added its partition, released on a connection that stays open cannot
be told from a fresh one before KIP-890 part 2 (an epoch per transaction), so those two
orderings are not here."""

import os
import signal
import time
import unittest

from ringlog_fixture import BrokerTestCase
from txn_frames import (CONCURRENT_TRANSACTIONS, NONE, Admin, Connection, add_partitions,
                        add_partitions_answer, create_topic, end_txn, end_txn_answer,
                        init_producer_id, init_producer_id_answer, produce, produce_answer,
                        read_committed, transactional_batch)

TOPIC = "retries"


class RawProducer:
    """A transactional producer whose requests go on the connection each call names
    (its own by default), retrying CONCURRENT_TRANSACTIONS as a client does."""

    def __init__(self, port, transactional_id):
        self.port, self.id = port, transactional_id
        self.conn = Connection(port)
        error, self.producer_id, self.epoch = init_producer_id_answer(
            self.conn.call(init_producer_id(transactional_id)))
        assert error == NONE, error
        self.sequences = {}

    def add_request(self, *partitions):
        return add_partitions(self.id, self.producer_id, self.epoch,
                              [(TOPIC, p) for p in partitions])

    def end_request(self, commit):
        return end_txn(self.id, self.producer_id, self.epoch, commit)

    def produce_request(self, partition, value):
        """The next batch of `value` to `partition` (its sequence taken)."""
        sequence = self.sequences.get(partition, 0)
        self.sequences[partition] = sequence + 1
        batch = transactional_batch([value.encode()], self.producer_id, self.epoch, sequence)
        return produce(self.id, TOPIC, partition, batch)

    def add(self, *partitions):
        codes = _retry(lambda: add_partitions_answer(self.conn.call(self.add_request(*partitions))),
                       lambda codes: codes == {CONCURRENT_TRANSACTIONS})
        assert codes == {NONE}, codes

    def produce(self, partition, value):
        error, _offset = produce_answer(self.conn.call(self.produce_request(partition, value)))
        assert error == NONE, error

    def end(self, commit, conn=None):
        conn = conn or self.conn
        error = _retry(lambda: end_txn_answer(conn.call(self.end_request(commit))),
                       lambda error: error == CONCURRENT_TRANSACTIONS)
        assert error == NONE, error


def _retry(call, busy, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        answer = call()
        if not busy(answer) or time.time() > deadline:
            return answer
        time.sleep(0.02)


def _wait_stopped(pid, timeout=10.0):
    """Until every thread of `pid` is stopped: SIGSTOP takes effect asynchronously."""
    deadline = time.time() + timeout
    while True:
        states = []
        for task in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/stat" % (pid, task)) as f:
                    states.append(f.read().rsplit(")", 1)[1].split()[0])
            except OSError:
                pass  # a thread that ended meanwhile
        if all(state in "tT" for state in states):
            return
        assert time.time() < deadline, "ringlog did not stop: %s" % states
        time.sleep(0.005)


class TxnRetriesTest(BrokerTestCase):
    BROKER_ARGS = ("--transaction_state_log_num_partitions=1",)

    def setUp(self):
        super().setUp()
        create_topic(self.broker.port, TOPIC, 2)
        self.producer = RawProducer(self.broker.port, self.id().rsplit(".", 1)[-1])
        self.addCleanup(self.producer.conn.close)

    def connection(self):
        conn = Connection(self.broker.port)
        self.addCleanup(conn.close)
        return conn

    def describe(self):
        """(state, partitions) of the producer's transaction."""
        admin = Admin(self.broker.port)
        try:
            error, state, partitions = admin.describe(self.producer.id)
        finally:
            admin.close()
        self.assertEqual(error, NONE)
        return state, {p for _topic, p in partitions}

    def wait_state(self, states):
        deadline = time.time() + 10
        while self.describe()[0] not in states:
            self.assertLess(time.time(), deadline, "never reached %s" % (states,))
            time.sleep(0.02)

    def release_after_hang_up(self, conn):
        """Releases `conn`'s held request and closes the connection while the broker is
        stopped, so that it finds both at once; returns once the broker closed it, having
        answered nothing."""
        pid = self.broker.proc.pid
        os.kill(pid, signal.SIGSTOP)
        try:
            _wait_stopped(pid)
            conn.release(hang_up=True)
            time.sleep(0.05)
        finally:
            os.kill(pid, signal.SIGCONT)
        self.assertTrue(conn.wait_closed(), "the broker answered a request from a closed "
                        "connection")

    def assert_committed(self, partition, values):
        # EndTxn is answered before the markers are written.
        self.wait_state(("CompleteCommit", "CompleteAbort"))
        got, lso, high_watermark = read_committed(self.broker.port, TOPIC, partition)
        self.assertEqual(got, values)
        self.assertEqual(lso, high_watermark, "a transaction is left open")

    def test_duplicate_add_partitions_on_two_connections(self):
        first, second, late = self.connection(), self.connection(), self.connection()
        request = self.producer.add_request(0)
        late.hold(request)
        ids = first.send(request), second.send(request)
        for conn, correlation_id in zip((first, second), ids):
            # The copy that finds the other's addition being logged is told to retry.
            self.assertLessEqual(add_partitions_answer(conn.receive(correlation_id)),
                                 {NONE, CONCURRENT_TRANSACTIONS})
        self.producer.add(0)
        self.producer.produce(0, "a")
        # A third copy, arriving after the records: the partition is in the transaction.
        self.assertEqual(add_partitions_answer(late.receive(late.release())), {NONE})
        self.producer.end(commit=True)
        self.assert_committed(0, ["a"])

    def test_end_txn_retry_after_the_original(self):
        self.producer.add(0)
        self.producer.produce(0, "a")
        self.assertEqual(end_txn_answer(self.connection().call(self.producer.end_request(True))),
                         NONE)
        # The retry is answered by what the first left: the same result.
        self.producer.end(commit=True, conn=self.connection())
        self.wait_state(("CompleteCommit",))
        self.producer.add(0)
        self.producer.produce(0, "b")
        self.producer.end(commit=True)
        self.assert_committed(0, ["a", "b"])

    def test_end_txn_retry_overtaking_the_original(self):
        self.producer.add(0)
        self.producer.produce(0, "a")
        original = self.connection()
        original.hold(self.producer.end_request(True))
        self.producer.end(commit=True, conn=self.connection())
        self.wait_state(("CompleteCommit",))
        # The original, late but before the next transaction: the same result, no change.
        self.assertEqual(end_txn_answer(original.receive(original.release())), NONE)
        self.assertEqual(self.describe(), ("CompleteCommit", set()))
        self.producer.add(0)
        self.producer.produce(0, "b")
        self.producer.end(commit=False)
        self.assert_committed(0, ["a"])

    def test_end_txn_of_the_previous_transaction_from_a_closed_connection(self):
        self.producer.add(0)
        self.producer.produce(0, "a")
        original = self.connection()
        original.hold(self.producer.end_request(True))
        self.producer.end(commit=True, conn=self.connection())
        # The next transaction begins, then the first commit arrives: acting on it would
        # commit this transaction's first half.
        self.producer.add(0)
        self.producer.produce(0, "b")
        self.release_after_hang_up(original)
        self.assertEqual(self.describe(), ("Ongoing", {0}))
        self.producer.end(commit=False)
        self.assert_committed(0, ["a"])

    def test_add_partitions_of_the_previous_transaction(self):
        # Released on an open connection once the next transaction began: the partition
        # joins that transaction, as in Kafka; it has no records there, so its markers
        # change nothing that a reader sees.
        late = self.connection()
        late.hold(self.producer.add_request(0))
        self.producer.add(0)
        self.producer.produce(0, "a")
        self.producer.end(commit=True)
        self.producer.add(1)
        self.producer.produce(1, "b")
        self.assertEqual(add_partitions_answer(late.receive(late.release())), {NONE})
        self.assertEqual(self.describe(), ("Ongoing", {0, 1}))
        self.producer.end(commit=True)
        # Released with its connection's close: dropped.
        late = self.connection()
        late.hold(self.producer.add_request(0))
        self.producer.add(0)
        self.producer.produce(0, "c")
        self.producer.end(commit=True)
        self.producer.add(1)
        self.producer.produce(1, "d")
        self.release_after_hang_up(late)
        # Adding what is in the transaction already waits for any addition being logged.
        self.producer.add(1)
        self.assertEqual(self.describe(), ("Ongoing", {1}))
        self.producer.end(commit=True)
        self.assert_committed(0, ["a", "c"])
        self.assert_committed(1, ["b", "d"])

    def test_init_producer_id_overtaken_by_its_retry(self):
        # Acting on the stale copy would fence the producer that its retry started, and
        # abort its transaction.
        late = self.connection()
        late.hold(init_producer_id(self.producer.id))
        self.producer.add(0)
        self.producer.produce(0, "a")
        self.release_after_hang_up(late)
        self.producer.end(commit=True)
        self.assert_committed(0, ["a"])

    def test_delayed_produce_after_the_next_transaction_added_its_partition(self):
        self.producer.add(0)
        late = self.connection()
        late.hold(self.producer.produce_request(0, "x"))
        # The producer gives up on the batch and aborts; the next transaction writes the
        # same partition, from the same sequence, since "x" was never acknowledged.
        self.producer.end(commit=False)
        self.producer.sequences[0] = 0
        self.producer.add(0)
        self.release_after_hang_up(late)
        self.producer.produce(0, "y")
        self.producer.end(commit=True)
        self.assert_committed(0, ["y"])

    def test_delayed_produce_after_the_abort(self):
        # Needs KIP-890 part 1 (Produce asks the coordinator whether the partition is in
        # the producer's transaction): "x" arrives on an open connection when no transaction
        # holds the partition, and is refused instead of opening one nobody will end.
        self.producer.add(0)
        late = self.connection()
        late.hold(self.producer.produce_request(0, "x"))
        self.producer.end(commit=False)
        self.wait_state(("CompleteAbort",))
        error, _offset = produce_answer(late.receive(late.release()))
        self.assertNotEqual(error, NONE)
        self.producer.sequences[0] = 0
        self.producer.add(0)
        self.producer.produce(0, "y")
        self.producer.end(commit=True)
        self.assert_committed(0, ["y"])


if __name__ == "__main__":
    unittest.main()
