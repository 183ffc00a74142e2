"""A lost disk (issue 15): a follower stopped, its data directory emptied and started again
replicates the whole partition from offset 0 (several segments) and rejoins the ISR; every
acknowledged record, those written while it was away included, is then on all three
replicas byte for byte."""

import os
import unittest

from kafka_helpers import ck_consume, ck_produce, ck_producer
from replication_fixture import ReplicationTestCase, records


class RebuildTest(ReplicationTestCase):
    BROKER_ARGS = ("--replica_lag_time_max_ms=3000", "--log_segment_bytes=65536")

    def test_a_follower_with_an_empty_data_dir_replicates_everything_again(self):
        controller = self.cluster.controller_id()
        leader, follower = self.non_controllers()
        replicas = [leader, follower, controller]
        self.create_topic("rebuilt", {0: replicas})
        producer = ck_producer(self.cluster.bootstrap(), **{"acks": "all", "linger.ms": 5})
        values = [b"%06d-" % i + b"x" * 90 for i in range(4000)]
        ck_produce(producer, "rebuilt", [(None, v, None, None) for v in values[:3000]])

        self.assertEqual(self.cluster.stop(follower), 0)
        self.cluster.wipe(follower)
        self.wait_isr("rebuilt", 0, [leader, controller])
        ck_produce(producer, "rebuilt", [(None, v, None, None) for v in values[3000:]])

        self.cluster.start_broker(follower)
        self.cluster.wait_ready()
        self.wait_isr("rebuilt", 0, replicas, timeout=30)
        self.assertTrue(os.listdir(self.cluster.broker(follower).data_dir))

        got = ck_consume(self.cluster.bootstrap(), "rebuilt", len(values), timeout=20)
        self.assertEqual([(m.offset(), m.value()) for m in got], list(enumerate(values)))
        log = self.assert_replicas_identical([("rebuilt", 0)], replicas)[("rebuilt", 0)]
        self.assertEqual([(o, v) for o, _, v in records(log)], list(enumerate(values)))


if __name__ == "__main__":
    unittest.main()
