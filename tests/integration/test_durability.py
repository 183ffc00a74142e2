"""Stored data survives the broker: a graceful restart keeps everything, and a kill -9 in
the middle of an acks=all stream loses no acknowledged message."""

import time
import unittest

from kafka_helpers import ck_consume, ck_produce, ck_producer, kp_consume
from ringlog_fixture import BrokerTestCase


class DurabilityTest(BrokerTestCase):
    BROKER_ARGS = ("--num_partitions=3",)

    def test_restart_keeps_everything(self):
        sent = {topic: [(b"k%d" % (i % 11), b"%s-%d" % (topic.encode(), i), None, None)
                        for i in range(3000)] for topic in ("r1", "r2")}
        for topic, messages in sent.items():
            ck_produce(ck_producer(self.broker.bootstrap, **{"linger.ms": 5}), topic, messages)
        before = {t: ck_consume(self.broker.bootstrap, t, 3000) for t in sent}

        self.assertEqual(self.broker.stop(), 0, "graceful stop must exit 0")
        self.broker.start()

        for topic in sent:
            after = ck_consume(self.broker.bootstrap, topic, 3000)
            self.assertEqual([(m.partition(), m.offset(), m.key(), m.value()) for m in after],
                             [(m.partition(), m.offset(), m.key(), m.value())
                              for m in before[topic]])
        # The log goes on from where it was.
        ck_produce(ck_producer(self.broker.bootstrap), "r1", [(b"k0", b"later", None, None)])
        records = kp_consume(self.broker.bootstrap, "r1", 3001)
        self.assertEqual(len(records), 3001)
        later = [r for r in records if r.value == b"later"][0]
        previous = [r.offset for r in records if r.partition == later.partition]
        self.assertEqual(previous, list(range(len(previous))))

    def test_kill_9_during_acks_all_keeps_every_acknowledged_message(self):
        producer = ck_producer(self.broker.bootstrap, acks="all",
                               **{"linger.ms": 1, "message.timeout.ms": 3000,
                                  "queue.buffering.max.messages": 2000})
        acked, failed = set(), []

        def on_delivery(err, msg):
            if err is None:
                acked.add(msg.value())
            else:
                failed.append(err)

        i = 0
        killed_at = None
        deadline = time.time() + 30
        # Produce continuously and send SIGKILL once a good number was acknowledged, without
        # pausing the stream, so that the broker dies with requests in flight.
        while time.time() < deadline:
            if killed_at is None and len(acked) >= 5000:
                self.broker.proc.kill()
                killed_at = i
            if killed_at is not None and i >= killed_at + 500:
                break
            try:
                producer.produce("crash", key=b"k%d" % (i % 13), value=b"m%07d" % i,
                                 on_delivery=on_delivery)
                i += 1
            except BufferError:
                producer.poll(0.01)
            producer.poll(0)
        self.assertIsNotNone(killed_at, "the broker acknowledged too little")
        self.broker.kill()
        producer.flush(10)  # whatever was in flight now fails or was acknowledged
        del producer
        self.assertGreater(i, len(acked), "nothing was in flight at the crash")

        self.broker.start()
        survived = {m.value() for m in ck_consume(self.broker.bootstrap, "crash", timeout=30)}
        lost = acked - survived
        self.assertFalse(lost, "%d acknowledged messages lost, e.g. %s" % (len(lost),
                                                                          sorted(lost)[:5]))


if __name__ == "__main__":
    unittest.main()
