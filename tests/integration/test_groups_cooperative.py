"""Cooperative rebalancing (KIP-429) with librdkafka's cooperative-sticky assignor: a second
member joining a group whose first member owns every partition gets an empty assignment in
the first rebalance and half the partitions in the second, each in its own callback, and
the split holds.

The race behind issue 11 item 11 is the first member's rejoin (it revokes and rejoins as
soon as it has its own assignment) reaching the coordinator before the second member's
SyncGroup. Two librdkafka consumers run into it only now and then, so the second test
plays the second member by hand on the wire and sends its SyncGroup after the rejoin,
every time; scripts/rebalance_loop.sh runs the two-consumer scenario many times."""

import struct
import time
import unittest

from kafka.client_async import KafkaClient
from kafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from kafka.protocol.admin import DescribeGroupsRequest_v0
from kafka.protocol.group import (HeartbeatRequest_v1, JoinGroupRequest_v1,
                                  LeaveGroupRequest_v1, SyncGroupRequest_v1)

import cooperative_rebalance
from cooperative_rebalance import Member, poll_until
from kafka_helpers import ck_produce, ck_producer
from ringlog_fixture import BrokerTestCase

RUNS = 4
REBALANCE_IN_PROGRESS = 27


def subscription_v1(topic):
    """Consumer protocol metadata v1 (KIP-429: with the owned partitions, here none) for a
    subscription to `topic`. librdkafka 2.0.2's cooperative-sticky leader crashes on v0,
    which is all kafka-python encodes."""
    name = topic.encode()
    return (struct.pack(">hih", 1, 1, len(name)) + name +
            struct.pack(">ii", 0, 0))  # empty user data, no owned partitions


class WireMember:
    """A group member that speaks JoinGroup / SyncGroup / Heartbeat itself (kafka-python's
    protocol classes), so the test decides when each request goes out."""

    def __init__(self, bootstrap, group, topic):
        self.group = group
        self.metadata = subscription_v1(topic)
        self.client = KafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
        self.node = self.client.least_loaded_node()
        deadline = time.time() + 10
        while not self.client.ready(self.node) and time.time() < deadline:
            self.client.poll(timeout_ms=50)
        self.member_id = ""

    def send(self, request, meanwhile=lambda: None, seconds=20):
        """The response to `request`; `meanwhile` runs while it is outstanding."""
        future = self.client.send(self.node, request)
        deadline = time.time() + seconds
        while not future.is_done and time.time() < deadline:
            self.client.poll(timeout_ms=20)
            meanwhile()
        if not future.succeeded():
            raise AssertionError("%s failed: %s" % (type(request).__name__, future.exception))
        return future.value

    def join(self, meanwhile):
        response = self.send(JoinGroupRequest_v1(
            self.group, 6000, 10000, self.member_id, "consumer",
            [("cooperative-sticky", self.metadata)]), meanwhile)
        self.member_id = response.member_id
        return response

    def sync(self, generation, meanwhile=lambda: None):
        """(error code, partitions assigned)."""
        response = self.send(SyncGroupRequest_v1(self.group, generation, self.member_id, []),
                             meanwhile)
        if response.error_code:
            return response.error_code, None
        assignment = ConsumerProtocolMemberAssignment.decode(response.member_assignment)
        return 0, sorted(p for _, ps in assignment.assignment for p in ps)

    def heartbeat(self, generation):
        return self.send(HeartbeatRequest_v1(self.group, generation, self.member_id)).error_code

    def state(self):
        return self.send(DescribeGroupsRequest_v0([self.group])).groups[0][2]

    def close(self):
        if self.member_id:
            self.send(LeaveGroupRequest_v1(self.group, self.member_id))
        self.client.close()


class CooperativeRebalanceTest(BrokerTestCase):
    BROKER_ARGS = cooperative_rebalance.BROKER_ARGS

    def test_a_joining_member_gets_both_generations(self):
        for i in range(RUNS):
            outcome = cooperative_rebalance.run(self.broker.bootstrap, "coop%d" % i)
            self.assertEqual(outcome["problems"], [],
                             "run %d: A saw %s, B saw %s" % (i, outcome["a"], outcome["b"]))

    def test_a_sync_overtaken_by_the_leaders_rejoin_still_gets_its_generation(self):
        name = "overtaken"
        partitions = list(range(cooperative_rebalance.PARTITIONS))
        ck_produce(ck_producer(self.broker.bootstrap),
                   name, [(b"k%d" % p, b"v", None, None) for p in range(20)])
        a = Member(self.broker.bootstrap, name, name, time.time())
        self.addCleanup(a.consumer.close)
        self.assertTrue(poll_until([a], lambda: a.owned() == partitions, 15), a.events)

        def serve_a():  # A's callbacks and requests go on while B waits for an answer
            poll_until([a], lambda: False, 0.02)

        b = WireMember(self.broker.bootstrap, name, name)
        self.addCleanup(b.close)
        joined = b.join(meanwhile=serve_a)
        self.assertEqual((joined.error_code, joined.generation_id), (0, 2))
        # A (the leader) gets its assignment of generation 2, revokes what B is to get
        # and rejoins; only then does B's SyncGroup of generation 2 go out.
        self.assertTrue(poll_until([a], lambda: a.revoked() and b.state() ==
                                   "PreparingRebalance", 15), a.events)
        self.assertEqual(b.sync(2), (0, []), "B lost its generation 2")
        self.assertEqual(b.heartbeat(2), REBALANCE_IN_PROGRESS)

        rejoined = b.join(meanwhile=serve_a)
        self.assertEqual((rejoined.error_code, rejoined.generation_id), (0, 3))
        error, owned = b.sync(3, meanwhile=serve_a)
        self.assertEqual((error, owned), (0, a.revoked()))
        self.assertTrue(poll_until([a], lambda: sorted(a.owned() + owned) == partitions, 15),
                        "A owns %s, B owns %s" % (a.owned(), owned))


if __name__ == "__main__":
    unittest.main()
