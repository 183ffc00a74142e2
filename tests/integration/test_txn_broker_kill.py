"""kill -9 of a single broker mid-transaction and between a transaction's prepare and its
completion (issue 17), with confluent-kafka 1.7.0 (librdkafka 2.0.2) transactional
producers. Afterwards every transaction is committed or aborted, never half-visible: the
read_committed view holds exactly the committed transactions, whole, and every partition's
last stable offset reaches its high watermark; the producer, re-initialised or not, goes
on with new transactions.

Mid-transaction is a real fault: the records are written, the transaction Ongoing. The
prepare→complete window is not: markers to local partitions are written in microseconds,
so those tests start the broker with the test hook of net/txn/marker_test_hook.h
(RINGLOG_TEST_TXN_MARKERS_LIMIT=N: markers reach the first N partitions only and no
transaction completes), kill it after EndTxn was answered, and restart it without the
hook: the coordinator replays PrepareCommit/PrepareAbort from __transaction_state and
finishes the transaction, markers already written included."""

import os
import socket
import time
import unittest

from ringlog_fixture import Broker
from txn_kill_checks import (READ_COMMITTED, READ_UNCOMMITTED, begin_and_write,
                             check_visibility, end_or_abort, offsets, read_values, slots,
                             stable, transaction, txn_producer, txn_values)

TOPIC = "txn-kill"
PARTITIONS = 3
PER_PARTITION = 20
TXN_ID = "txn-kill-producer"
SLOTS = slots(TOPIC, PARTITIONS)  # in the order the hook's limit counts them
HOOK = "RINGLOG_TEST_TXN_MARKERS_LIMIT"
BROKER_ARGS = ("--num_partitions=%d" % PARTITIONS, "--transaction_state_log_num_partitions=3")


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise AssertionError("timed out after %.0fs waiting for %s" % (timeout, what))
        time.sleep(0.05)


class TxnBrokerKillTest(unittest.TestCase):

    def setUp(self):
        self.broker = Broker(BROKER_ARGS)
        self.addCleanup(self.broker.close)
        self.producers = []
        self.addCleanup(self.close_producers)

    def close_producers(self):
        # A producer whose transaction is left open would wait for it at destruction.
        for producer in self.producers:
            producer.purge()
        self.producers.clear()

    def start(self, markers_limit=None):
        """Starts the broker, with the marker hook when `markers_limit` is set."""
        if markers_limit is not None:
            os.environ[HOOK] = str(markers_limit)
        try:
            self.broker.start()
        finally:
            os.environ.pop(HOOK, None)

    def restart_killed(self):
        """kill -9, then the broker again (hook off) on the same port and data dir once the
        killed process has let go of them."""
        self.broker.kill()
        deadline = time.time() + 20
        while port_open(self.broker.port) and time.time() < deadline:
            time.sleep(0.02)
        while True:
            try:
                self.broker.start()
                return
            except RuntimeError as e:
                self.broker.log.close()
                if "in use by another ringlog process" not in str(e) or time.time() > deadline:
                    raise
                time.sleep(0.05)

    def producer(self):
        producer = txn_producer(self.broker.bootstrap, TXN_ID)
        self.producers.append(producer)
        return producer

    def ports(self):
        return {slot: self.broker.port for slot in SLOTS}

    def views(self):
        """(read_committed, read_uncommitted) once no partition has an open transaction."""
        wait_until(lambda: stable(self.ports()), 20,
                   "every last stable offset at its high watermark")
        return (read_values(self.broker.bootstrap, SLOTS, READ_COMMITTED),
                read_values(self.broker.bootstrap, SLOTS, READ_UNCOMMITTED))

    def kill_mid_transaction(self, reinit):
        self.start()
        txns = {name: txn_values(name, SLOTS, PER_PARTITION)
                for name in ("before", "open", "after")}
        producer = self.producer()
        transaction(producer, txns["before"])
        begin_and_write(producer, txns["open"])
        self.restart_killed()
        if reinit:
            # The new incarnation aborts what the killed broker left Ongoing.
            committed_open = False
            producer = self.producer()
        else:
            # The coordinator logged the transaction's partitions before it was killed: the
            # same producer may end it.
            committed_open = end_or_abort(producer, commit=True)
        transaction(producer, txns["after"])
        committed, uncommitted = self.views()
        check_visibility(self, committed, uncommitted, txns,
                         {"before": True, "open": committed_open, "after": True})
        return committed_open

    def test_kill_mid_transaction_new_producer_aborts_it(self):
        self.kill_mid_transaction(reinit=True)

    def test_kill_mid_transaction_same_producer_commits_it(self):
        self.assertTrue(self.kill_mid_transaction(reinit=False),
                        "the commit after the restart was refused")

    def kill_between_prepare_and_complete(self, commit, markers_limit):
        """EndTxn answered, markers on the first `markers_limit` partitions only, kill -9,
        restart: the transaction ends as EndTxn said, on every partition."""
        self.start(markers_limit)
        txns = {name: txn_values(name, SLOTS, PER_PARTITION) for name in ("ended", "next")}
        producer = self.producer()
        begin_and_write(producer, txns["ended"])
        start = offsets(self.ports(), READ_UNCOMMITTED)
        start = {slot: offset - PER_PARTITION for slot, offset in start.items()}
        marked = set(SLOTS[:markers_limit])
        if commit:
            producer.commit_transaction(30)
        else:
            producer.abort_transaction(30)
        # The partitions without a marker hold their last stable offset at the
        # transaction's first record: read_committed sees none of it there.
        wait_until(lambda: all(
            (offset > start[slot]) == (slot in marked)
            for slot, offset in offsets(self.ports(), READ_COMMITTED).items()),
            10, "the markers the hook lets through, and only those")
        self.restart_killed()
        producer = self.producer()
        transaction(producer, txns["next"])
        committed, uncommitted = self.views()
        check_visibility(self, committed, uncommitted, txns, {"ended": commit, "next": True})

    def test_commit_no_marker_written(self):
        self.kill_between_prepare_and_complete(commit=True, markers_limit=0)

    def test_commit_some_markers_written(self):
        self.kill_between_prepare_and_complete(commit=True, markers_limit=1)

    def test_commit_all_markers_written_complete_not_logged(self):
        self.kill_between_prepare_and_complete(commit=True, markers_limit=PARTITIONS)

    def test_abort_some_markers_written(self):
        self.kill_between_prepare_and_complete(commit=False, markers_limit=1)


if __name__ == "__main__":
    unittest.main()
