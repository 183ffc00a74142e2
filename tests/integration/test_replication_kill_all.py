"""kill -9 of every broker at once (issue 15's durability contract): acks=all records that
were acknowledged by a topic with 3 replicas are all there after the three brokers come
back — each exactly once, in the order they were acknowledged per partition — and the
replicas end byte-identical. A kill -9 leaves what a broker wrote in the operating system's
page cache, and acks=all waited until every in-sync replica had written the batch. (The high
watermark a leader restarts with is its last checkpoint; it catches up once the in-sync
followers have fetched again, so the test waits for that before it reads.)"""

import unittest

from cluster_wire import list_offsets
from kafka_helpers import ck_consume, ck_produce, ck_producer
from replication_fixture import ReplicationTestCase

TOPIC = "all-killed"
PARTITIONS = 3
RECORDS = 3000


class KillEveryBrokerTest(ReplicationTestCase):
    BROKER_ARGS = ("--replica_lag_time_max_ms=5000",)

    def test_acknowledged_records_survive_kill_9_of_every_broker(self):
        ids = sorted(self.cluster.live_ids)
        self.create_topic(TOPIC, {p: ids[p:] + ids[:p] for p in range(PARTITIONS)})
        for p in range(PARTITIONS):
            self.wait_isr(TOPIC, p, ids)
        sent = [(b"k%d" % (i % 17), b"v-%d" % i, None, None) for i in range(RECORDS)]
        delivered = ck_produce(ck_producer(self.cluster.bootstrap(), acks="all",
                                           **{"linger.ms": 2}), TOPIC, sent)
        self.assertEqual(len(delivered), RECORDS)
        acknowledged = {m.value(): (m.partition(), m.offset()) for m in delivered}

        for broker_id in ids:
            self.cluster.kill(broker_id)
        for broker_id in ids:
            self.cluster.start_broker(broker_id)
        self.cluster.wait_ready()
        self.wait_for_leaders(TOPIC, PARTITIONS)
        ends = {p: sum(1 for where in acknowledged.values() if where[0] == p)
                for p in range(PARTITIONS)}

        def high_watermarks_back():
            for p, end in ends.items():
                port = self.cluster.broker(self.leader_serving(TOPIC, p)).port
                if list_offsets(port, TOPIC, p) != (0, end):
                    return False
            return True

        self.wait_until(high_watermarks_back, 30, "the high watermarks of before the kill")

        stored = ck_consume(self.cluster.bootstrap(), TOPIC, timeout=30)
        values = [m.value() for m in stored]
        self.assertEqual(len(values), len(set(values)), "a record is stored twice")
        self.assertEqual(sorted(values), sorted(acknowledged), "acknowledged records lost")
        for m in stored:
            self.assertEqual((m.partition(), m.offset()), acknowledged[m.value()],
                             "%r moved from where it was acknowledged" % m.value())

        for p in range(PARTITIONS):
            self.wait_isr(TOPIC, p, ids, timeout=30)
        self.assert_replicas_identical([(TOPIC, 0)], ids)


if __name__ == "__main__":
    unittest.main()
