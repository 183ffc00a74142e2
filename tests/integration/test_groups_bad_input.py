"""Group requests that do not fit the group's state, sent with kafka-python's own protocol
classes to the real broker: each gets the error code Kafka returns, and the broker keeps
serving the group afterwards."""

import unittest

from kafka.protocol.commit import OffsetCommitRequest, OffsetFetchRequest
from kafka.protocol.group import HeartbeatRequest, JoinGroupRequest, SyncGroupRequest

from kafka_helpers import kp_producer, raw_request
from ringlog_fixture import BrokerTestCase

ILLEGAL_GENERATION = 22
UNKNOWN_MEMBER_ID = 25
REBALANCE_IN_PROGRESS = 27
GROUP = "strict"
TOPIC = "orders"


class GroupBadInputTest(BrokerTestCase):
    BROKER_ARGS = ("--group_initial_rebalance_delay_ms=0",)

    def request(self, request):
        return raw_request(self.broker.bootstrap, request)

    def commit(self, generation, member_id, offset):
        response = self.request(OffsetCommitRequest[2](
            GROUP, generation, member_id, -1, [(TOPIC, [(0, offset, "")])]))
        return response.topics[0][1][0][1]

    def test_out_of_turn_requests_get_kafkas_error_codes(self):
        producer = kp_producer(self.broker.bootstrap)
        producer.send(TOPIC, b"one").get(timeout=10)
        producer.close()

        joined = self.request(JoinGroupRequest[1](
            GROUP, 10000, 10000, "", "consumer", [("range", b"")]))
        self.assertEqual(joined.error_code, 0)
        member, generation = joined.member_id, joined.generation_id
        self.assertTrue(member)

        # Joined but not synced: the group is completing its rebalance.
        self.assertEqual(self.commit(generation, member, 1), REBALANCE_IN_PROGRESS)
        self.assertEqual(self.request(SyncGroupRequest[0](
            GROUP, generation + 7, member, [])).error_code, ILLEGAL_GENERATION)
        self.assertEqual(self.request(HeartbeatRequest[0](
            GROUP, generation, "stranger")).error_code, UNKNOWN_MEMBER_ID)

        # The group itself is unharmed: the member syncs, heartbeats and commits.
        synced = self.request(SyncGroupRequest[0](GROUP, generation, member, [(member, b"")]))
        self.assertEqual(synced.error_code, 0)
        self.assertEqual(self.request(HeartbeatRequest[0](
            GROUP, generation, member)).error_code, 0)
        self.assertEqual(self.commit(generation - 1, member, 1), ILLEGAL_GENERATION)
        self.assertEqual(self.commit(generation, member, 1), 0)
        fetched = self.request(OffsetFetchRequest[1](GROUP, [(TOPIC, [0])]))
        self.assertEqual(fetched.topics[0][1][0][1], 1)


if __name__ == "__main__":
    unittest.main()
