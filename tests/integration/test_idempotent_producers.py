"""Idempotent producers of kcat and confluent-kafka-python (both Debian's librdkafka
2.0.2) deliver thousands of keyed messages over four partitions (issue 13). Before the
broker served InitProducerId both refused to produce ("Idempotent producer not supported
by any of the connected brokers"). Read back: every message exactly once, in per-key
order, at contiguous offsets, at the offsets the delivery reports gave (confluent-kafka;
kcat prints none), and stored in batches with a producer id and gapless sequences."""

import unittest

from idempotent_checks import check_exactly_once, check_sequences, keyed_message
from kafka_helpers import ck_consume, ck_produce, ck_producer, kcat
from ringlog_fixture import BrokerTestCase

COUNT = 3000
KEYS = 16
PARTITIONS = 4


class IdempotentProducersTest(BrokerTestCase):
    BROKER_ARGS = ("--num_partitions=%d" % PARTITIONS,)

    def read_back(self, topic):
        messages = ck_consume(self.broker.bootstrap, topic, timeout=30)
        return [(m.partition(), m.offset(), m.key(), m.value()) for m in messages]

    def test_kcat(self):
        expected = [keyed_message(i, KEYS) for i in range(COUNT)]
        lines = b"".join(b"%s|%s\n" % message for message in expected)
        kcat("-b", self.broker.bootstrap, "-P", "-t", "idem-kcat", "-K", "|",
             "-X", "enable.idempotence=true", "-X", "linger.ms=5", data=lines)
        check_exactly_once(self, self.read_back("idem-kcat"), expected, PARTITIONS)
        check_sequences(self, self.broker.bootstrap, "idem-kcat", PARTITIONS)

    def test_confluent_kafka(self):
        expected = [keyed_message(i, KEYS) for i in range(COUNT)]
        producer = ck_producer(self.broker.bootstrap, **{"enable.idempotence": True,
                                                         "linger.ms": 2,
                                                         "batch.num.messages": 100})
        reports = ck_produce(producer, "idem-ck", (m + (None, None) for m in expected))
        delivered = {m.value(): (m.partition(), m.offset()) for m in reports}
        check_exactly_once(self, self.read_back("idem-ck"), expected, PARTITIONS, delivered)
        check_sequences(self, self.broker.bootstrap, "idem-ck", PARTITIONS)


if __name__ == "__main__":
    unittest.main()
