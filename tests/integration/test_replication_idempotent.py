"""An idempotent producer across a leader change (issue 15): librdkafka produces with
enable.idempotence and acks=all to two partitions of a topic with 3 replicas while their
leader is killed (kill -9) with requests in flight; the controller elects a follower once
the session expires, and the producer's retries of batches the follower already has are
deduplicated there (the producer state replicated with the log). Every message is stored
exactly once, in per-key order, where its delivery report says; the killed broker comes
back, rejoins the ISR and holds the same bytes as the others, whose batches carry each
producer's sequences without gap or repeat."""

import time
import unittest

from idempotent_checks import check_exactly_once, keyed_message
from kafka_helpers import ck_consume, ck_producer
from replication_fixture import ReplicationTestCase, batches

TOPIC = "idem"
PARTITIONS = 2
KEYS = 8
SEND_SECONDS = 1.0
MAX_UNACKNOWLEDGED = 1500


class IdempotentLeaderChangeTest(ReplicationTestCase):
    BROKER_ARGS = ("--replica_lag_time_max_ms=5000",)

    def test_exactly_once_across_a_leader_change(self):
        controller = self.cluster.controller_id()
        victim, heir = self.non_controllers()
        replicas = [victim, heir, controller]
        self.create_topic(TOPIC, {p: replicas for p in range(PARTITIONS)})
        producer = ck_producer(self.cluster.bootstrap(), **{
            "enable.idempotence": True, "acks": "all", "linger.ms": 1,
            "batch.num.messages": 50, "message.timeout.ms": 60000,
            "reconnect.backoff.ms": 20, "reconnect.backoff.max.ms": 200,
            "retry.backoff.ms": 20, "topic.metadata.refresh.interval.ms": 500})
        delivered, errors = {}, []

        def on_delivery(err, msg):
            if err is not None:
                errors.append(err)
            else:
                delivered[msg.value()] = (msg.partition(), msg.offset())

        sent = 0

        def send_for(seconds):
            nonlocal sent
            until = time.time() + seconds
            while time.time() < until:
                if sent - len(delivered) - len(errors) >= MAX_UNACKNOWLEDGED:
                    producer.poll(0.002)
                    continue
                key, value = keyed_message(sent, KEYS)
                try:
                    producer.produce(TOPIC, key=key, value=value, on_delivery=on_delivery)
                    sent += 1
                except BufferError:
                    producer.poll(0.01)
                producer.poll(0)

        send_for(SEND_SECONDS)
        in_flight = sent - len(delivered) - len(errors)
        self.cluster.kill(victim)
        send_for(SEND_SECONDS)
        self.assertEqual(producer.flush(60), 0, "undelivered after the leader change")
        self.assertFalse(errors, "delivery failures: %s" % errors[:3])
        self.assertGreater(in_flight, 0, "the kill found nothing in flight")
        for p in range(PARTITIONS):
            self.assertEqual(self.leader_serving(TOPIC, p), heir)

        stored = [(m.partition(), m.offset(), m.key(), m.value())
                  for m in ck_consume(self.cluster.bootstrap(), TOPIC, sent, timeout=30)]
        expected = [keyed_message(i, KEYS) for i in range(sent)]
        check_exactly_once(self, stored, expected, PARTITIONS, delivered)

        self.cluster.start_broker(victim)
        self.cluster.wait_ready()
        for p in range(PARTITIONS):
            self.wait_isr(TOPIC, p, replicas, timeout=30)
        logs = self.assert_replicas_identical([(TOPIC, p) for p in range(PARTITIONS)],
                                              [heir, victim, controller])
        for (_, p), log in logs.items():
            following = {}
            for batch in batches(log):
                producer_key = (batch["producer_id"], batch["producer_epoch"])
                self.assertGreaterEqual(batch["producer_id"], 0)
                self.assertEqual(batch["base_sequence"], following.get(producer_key, 0),
                                 "partition %d: %s" % (p, batch))
                following[producer_key] = batch["base_sequence"] + batch["count"]


if __name__ == "__main__":
    unittest.main()
