"""Replication factor 3 with acks=all from real clients (issue 15): thousands of records
from librdkafka (confluent-kafka) and kafka-python, every one acknowledged, read back once
each in order, with the ISR whole in ZooKeeper and Metadata; then the three replicas of each
partition hold the same bytes, leader epochs included."""

import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_wire import NONE, list_offsets
from kafka_helpers import ck_consume, ck_produce, ck_producer, kp_consume, kp_producer
from replication_fixture import ReplicationTestCase, batches, records

RECORDS = 3000


class AcksAllTest(ReplicationTestCase):
    BROKER_ARGS = ("--replica_lag_time_max_ms=5000",)

    def test_three_replicas_of_acks_all_writes_are_identical(self):
        leader, *followers = self.non_controllers() + [self.cluster.controller_id()]
        replicas = [leader] + followers
        self.create_topic("ck", {0: replicas})
        self.create_topic("kp", {0: replicas})

        ck_values = [b"ck-%05d" % i for i in range(RECORDS)]
        producer = ck_producer(self.cluster.bootstrap(), **{"acks": "all", "linger.ms": 5})
        delivered = ck_produce(producer, "ck", [(None, v, None, None) for v in ck_values])
        self.assertEqual(sorted(m.offset() for m in delivered), list(range(RECORDS)))

        kp_values = [b"kp-%05d" % i for i in range(RECORDS)]
        producer = kp_producer(self.cluster.bootstrap(), acks="all", linger_ms=5)
        futures = [producer.send("kp", v, partition=0) for v in kp_values]
        producer.flush(30)
        self.assertEqual(sorted(f.get(timeout=30).offset for f in futures),
                         list(range(RECORDS)))
        producer.close()

        epochs = {}
        for topic in ("ck", "kp"):
            state, _ = self.zk_state(topic, 0)
            epochs[topic] = state["leader_epoch"]
            self.assertEqual(sorted(state["isr"]), sorted(replicas), topic)
            self.assertEqual(self.isr_everywhere(topic, 0), sorted(replicas), topic)
            self.assertEqual(list_offsets(self.cluster.broker(leader).port, topic, 0),
                             (NONE, RECORDS))
        self.assertEqual([m.value() for m in ck_consume(self.cluster.bootstrap(), "ck", RECORDS)],
                         ck_values)
        self.assertEqual([r.value for r in kp_consume(self.cluster.bootstrap(), "kp", RECORDS)],
                         kp_values)

        logs = self.assert_replicas_identical([("ck", 0), ("kp", 0)], replicas)
        for topic, values in (("ck", ck_values), ("kp", kp_values)):
            stored = records(logs[(topic, 0)])
            self.assertEqual([(o, v) for o, _, v in stored], list(enumerate(values)), topic)
            stamped = {b["leader_epoch"] for b in batches(logs[(topic, 0)])}
            self.assertEqual(stamped, {epochs[topic]}, "%s: the leader epoch in every batch" %
                             topic)

    def test_spread_leaders(self):
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(),
                                 request_timeout_ms=15000)
        admin.create_topics([NewTopic("spread", 3, 3)])
        admin.close()
        leaders = self.wait_for_leaders("spread", 3)
        self.assertEqual(sorted(leaders.values()), self.cluster.ids, "leaders spread")
        values = [b"spread-%05d" % i for i in range(RECORDS)]
        producer = ck_producer(self.cluster.bootstrap(), **{"acks": "all", "linger.ms": 5})
        delivered = ck_produce(producer, "spread",
                               [(b"k%d" % (i % 7), v, None, None) for i, v in enumerate(values)])
        self.assertEqual(len(delivered), RECORDS)
        for p, (state, _) in self.cluster.partition_states("spread").items():
            self.assertEqual(sorted(state["isr"]), self.cluster.ids, "partition %d" % p)
        got = ck_consume(self.cluster.bootstrap(), "spread", RECORDS)
        self.assertEqual(sorted(m.value() for m in got), values)
        for p in range(3):
            mine = [m.value() for m in got if m.partition() == p]
            self.assertEqual(mine, sorted(mine), "partition %d in produce order" % p)
            self.assertEqual([m.offset() for m in got if m.partition() == p],
                             list(range(len(mine))))

if __name__ == "__main__":
    unittest.main()
