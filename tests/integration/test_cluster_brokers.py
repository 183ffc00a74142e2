"""Brokers joining and leaving a 3-broker cluster: a broker that stops and comes back
registers again under a new session and leads its partitions again, with the data written
before; a second broker with an id that is live is refused; a data directory of another
cluster is refused; a broker whose ZooKeeper does not answer gives up with a message
after --zookeeper_connection_timeout_ms."""

import re
import subprocess
import time
import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import SESSION_TIMEOUT_MS, ClusterTestCase, new_chroot
from cluster_wire import NONE, list_offsets, metadata, produce
from kafka_helpers import ck_consume
from ringlog_fixture import Broker, free_port


def exit_of(broker, timeout):
    """(exit code, seconds it took) of a launched broker expected to give up."""
    started = time.time()
    try:
        code = broker.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("the broker was still running after %.0fs:\n%s" %
                             (timeout, broker.output()[-3000:]))
    return code, time.time() - started


class BrokerRejoinTest(ClusterTestCase):
    def test_a_stopped_broker_comes_back_and_serves_its_partitions_again(self):
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(),
                                 request_timeout_ms=15000)
        admin.create_topics([NewTopic("comeback", 6, 1)])
        admin.close()
        leaders = self.wait_for_leaders("comeback", 6)
        victim = next(i for i in self.cluster.ids if i != self.cluster.controller_id())
        mine = sorted(p for p, leader in leaders.items() if leader == victim)
        self.assertEqual(len(mine), 2)
        for p, leader in leaders.items():
            values = [b"%d-before-%d" % (p, i) for i in range(5)]
            self.assertEqual(produce(self.cluster.broker(leader).port, "comeback", p, values),
                             (NONE, 0))
        epochs = {p: s["leader_epoch"] for p, (s, _) in
                  self.cluster.partition_states("comeback").items()}
        owner = self.cluster.znode("/brokers/ids/%d" % victim)[1].ephemeralOwner

        self.assertEqual(self.cluster.stop(victim), 0)
        self.wait_until(lambda: victim not in self.cluster.registered_ids(),
                        SESSION_TIMEOUT_MS / 1000 + 5, "broker %d to leave" % victim)
        self.wait_until(lambda: all(self.cluster.leaders("comeback")[p] == -1 for p in mine),
                        10, "partitions %s without a leader" % mine)
        self.cluster.wait_ready()

        self.cluster.start_broker(victim)
        self.cluster.wait_ready()
        self.assertNotEqual(self.cluster.znode("/brokers/ids/%d" % victim)[1].ephemeralOwner,
                            owner)
        self.assertEqual(self.wait_for_leaders("comeback", 6), leaders)
        port = self.cluster.broker(victim).port
        for p, (state, _) in self.cluster.partition_states("comeback").items():
            if p in mine:
                self.assertGreater(state["leader_epoch"], epochs[p])
                self.assertEqual(list_offsets(port, "comeback", p), (NONE, 5))
                self.assertEqual(produce(port, "comeback", p, [b"%d-after" % p]), (NONE, 5))
            else:
                self.assertEqual(state["leader_epoch"], epochs[p])
        self.assertEqual(metadata(port, ["comeback"])["topics"]["comeback"]["partitions"],
                         metadata(self.cluster.broker(self.cluster.controller_id()).port,
                                  ["comeback"])["topics"]["comeback"]["partitions"])

        other = next(i for i in self.cluster.ids if i != victim)
        read = ck_consume(self.cluster.bootstrap(other), "comeback", 32)
        expected = sorted([(p, i, b"%d-before-%d" % (p, i)) for p in range(6) for i in range(5)] +
                          [(p, 5, b"%d-after" % p) for p in mine])
        self.assertEqual([(m.partition(), m.offset(), m.value()) for m in read], expected)

    def test_a_second_broker_with_a_live_id_is_refused(self):
        taken = self.cluster.ids[1]
        owner = self.cluster.znode("/brokers/ids/%d" % taken)[1].ephemeralOwner
        twin = Broker(self.cluster.broker_args(taken))
        self.addCleanup(twin.close)
        twin.launch()
        code, _ = exit_of(twin, 30)
        self.assertNotEqual(code, 0)
        lines = [line for line in twin.output().splitlines()
                 if re.search(r"(?i)broker", line) and re.search(r"\b%d\b" % taken, line)]
        self.assertTrue(lines, "no message names broker %d:\n%s" % (taken, twin.output()))
        self.assertEqual(self.cluster.znode("/brokers/ids/%d" % taken)[1].ephemeralOwner, owner)
        self.cluster.wait_ready()

    def test_a_data_dir_of_another_cluster_is_refused(self):
        moved = self.cluster.ids[2]
        self.cluster.stop(moved)
        elsewhere = self.cluster.zookeeper.connect + new_chroot()
        stranger = Broker(self.cluster.broker_args(moved, connect=elsewhere),
                          data_dir=self.cluster.broker(moved).data_dir)
        earlier = len(stranger.output())  # the log file is the moved broker's
        stranger.launch()
        try:
            code, _ = exit_of(stranger, 30)
        finally:
            stranger.close()
        self.assertNotEqual(code, 0)
        self.assertRegex(stranger.output()[earlier:], r"(?i)cluster")
        self.cluster.start_broker(moved)
        self.cluster.wait_ready()


class UnreachableZooKeeperTest(unittest.TestCase):
    def test_a_broker_gives_up_after_the_connection_timeout(self):
        port = free_port()  # nothing listens there
        broker = Broker(["--broker_id=1", "--zookeeper_connect=127.0.0.1:%d" % port,
                         "--zookeeper_connection_timeout_ms=2000"])
        self.addCleanup(broker.close)
        broker.launch()
        code, seconds = exit_of(broker, 20)
        self.assertNotEqual(code, 0)
        self.assertGreaterEqual(seconds, 1.5, broker.output())
        self.assertIn("127.0.0.1:%d" % port, broker.output())


if __name__ == "__main__":
    unittest.main()
