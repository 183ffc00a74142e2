"""Cooperative rebalancing (KIP-429) with librdkafka's cooperative-sticky assignor: a second
member joining a group whose first member owns every partition gets an empty assignment
in the first rebalance and half the partitions in the second, each in its own callback,
and the split holds. A few runs, because the race it guards (the first member's rejoin
overtaking the second's SyncGroup) shows in about one run in five; scripts/rebalance_loop.sh
runs it many times."""

import unittest

import cooperative_rebalance
from ringlog_fixture import BrokerTestCase

RUNS = 4


class CooperativeRebalanceTest(BrokerTestCase):
    BROKER_ARGS = cooperative_rebalance.BROKER_ARGS

    def test_a_joining_member_gets_both_generations(self):
        for i in range(RUNS):
            outcome = cooperative_rebalance.run(self.broker.bootstrap, "coop%d" % i)
            self.assertEqual(outcome["problems"], [],
                             "run %d: A saw %s, B saw %s" % (i, outcome["a"], outcome["b"]))


if __name__ == "__main__":
    unittest.main()
