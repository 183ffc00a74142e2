"""An idempotent producer across a leader change (issue 15): librdkafka produces with
enable.idempotence and acks=all to two partitions of a topic with 3 replicas while their
leader is killed (kill -9) with requests in flight; the controller elects a follower once
the session expires, and the producer's retries of batches the follower already has are
deduplicated there (the producer state replicated with the log). Every message is stored
exactly once, in per-key order, where its delivery report says; the killed broker comes
back, rejoins the ISR and holds the same bytes as the others, whose batches carry each
producer's sequences without gap or repeat."""

import unittest

from idempotent_checks import RecordingProducer, check_exactly_once
from kafka_helpers import ck_consume
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
        producer = RecordingProducer(self.cluster.bootstrap(), TOPIC, KEYS, MAX_UNACKNOWLEDGED)
        producer.send_for(SEND_SECONDS)
        in_flight = producer.unanswered
        self.cluster.kill(victim)
        producer.send_for(SEND_SECONDS)
        self.assertEqual(producer.flush(60), 0, "undelivered after the leader change")
        self.assertFalse(producer.errors, "delivery failures: %s" % producer.errors[:3])
        self.assertGreater(in_flight, 0, "the kill found nothing in flight")
        for p in range(PARTITIONS):
            self.assertEqual(self.leader_serving(TOPIC, p), heir)

        stored = [(m.partition(), m.offset(), m.key(), m.value())
                  for m in ck_consume(self.cluster.bootstrap(), TOPIC, producer.sent, timeout=30)]
        check_exactly_once(self, stored, producer.expected(), PARTITIONS, producer.delivered)

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
