"""KIP-890 part 1 against the real binary, with raw frames: a transactional batch to a
partition its transaction never added is refused with INVALID_TXN_STATE and nothing is
appended, while the same request's added partition takes its batch; later batches of the
transaction go on without a check; transactional records without a transactional id are
TRANSACTIONAL_ID_AUTHORIZATION_FAILED; a producer's non-transactional batch during its
transaction is INVALID_TXN_STATE; after the commit the next transaction must add the
partition again."""

import unittest

from cluster_fixture import wait_until
from cluster_wire import Connection, create_topics_answer, create_topics_request, list_offsets
from ringlog_fixture import BrokerTestCase
from txn_wire import (INVALID_TXN_STATE, NONE, NOT_ENOUGH_REPLICAS,
                      TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                      add_partitions, end_txn, init_producer_id, produce, producer_batch)

TOPIC = "verify"
TXN = "verify-txn"


class TxnVerifyTest(BrokerTestCase):

    def setUp(self):
        super().setUp()
        self.port = self.broker.port
        with Connection(self.port) as conn:
            error, message = create_topics_answer(conn.call(19, 2, create_topics_request(TOPIC, 2)))
        self.assertEqual(error, NONE, message)

    def end_offset(self, partition):
        error, offset = list_offsets(self.port, TOPIC, partition)
        self.assertEqual(error, NONE)
        return offset

    def test_only_added_partitions_take_the_transaction(self):
        pid, epoch = init_producer_id(self.port, TXN)
        self.assertEqual(add_partitions(self.port, TXN, pid, epoch, TOPIC, [0]), {0: NONE})

        answers = produce(self.port, TXN, TOPIC, {0: producer_batch([b"a"], pid, epoch, 0),
                                                  1: producer_batch([b"x"], pid, epoch, 0)})
        self.assertEqual(answers[0], (NONE, 0))
        self.assertEqual(answers[1][0], INVALID_TXN_STATE)

        answers = produce(self.port, None, TOPIC, {0: producer_batch([b"b"], pid, epoch, 1)})
        self.assertEqual(answers[0][0], TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
        answers = produce(self.port, TXN, TOPIC,
                          {0: producer_batch([b"b"], pid, epoch, 1, transactional=False)})
        self.assertEqual(answers[0][0], INVALID_TXN_STATE)

        # The transaction goes on: no verification, same sequence as refused above.
        answers = produce(self.port, TXN, TOPIC, {0: producer_batch([b"b"], pid, epoch, 1)})
        self.assertEqual(answers[0], (NONE, 1))
        self.assertEqual(end_txn(self.port, TXN, pid, epoch, commit=True), NONE)
        wait_until(lambda: self.end_offset(0) == 3, 10, "the COMMIT marker on %s-0" % TOPIC)

        # The next transaction has not added the partition. Until the coordinator has
        # logged the commit complete it answers CONCURRENT_TRANSACTIONS, which Produce
        # passes on as the retriable NOT_ENOUGH_REPLICAS.
        def next_batch():
            answers = produce(self.port, TXN, TOPIC, {0: producer_batch([b"c"], pid, epoch, 2)})
            return None if answers[0][0] == NOT_ENOUGH_REPLICAS else answers[0][0]

        self.assertEqual(wait_until(next_batch, 10, "a verdict on the next transaction"),
                         INVALID_TXN_STATE)
        self.assertEqual(self.end_offset(0), 3)
        self.assertEqual(self.end_offset(1), 0, "nothing reached the partition never added")


if __name__ == "__main__":
    unittest.main()
