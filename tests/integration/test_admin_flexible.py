"""The topic admin APIs at their flexible versions, as the Java AdminClient 3.x sends them:
CreateTopics v7 (the created topic described back, with its id), DeleteTopics v6 (topics
named by id), DeleteRecords v2 and CreatePartitions v3. None of the clients in the matrix
sends these versions (kafka-python 2.0.2 caps at v3 and has no compact types, librdkafka
2.0.2 at v4), so the requests are encoded here, field by field from the protocol schemas,
and sent over a plain socket to the real broker. A topic id must survive a restart."""

import socket
import struct
import unittest

from kafka_helpers import kp_producer
from kafka_wire import NO_TAGS, Reader, carray, cstring, read_exact
from ringlog_fixture import BrokerTestCase

NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
TOPIC_ALREADY_EXISTS = 36
INVALID_PARTITIONS = 37
INVALID_REQUEST = 42
UNKNOWN_TOPIC_ID = 100

CREATE_TOPICS, DELETE_TOPICS, DELETE_RECORDS, CREATE_PARTITIONS = 19, 20, 21, 37
TOPIC_CONFIG_SOURCE, DEFAULT_CONFIG_SOURCE = 1, 5
ZERO_ID = bytes(16)


class FlexibleAdminTest(BrokerTestCase):
    correlation_id = 0

    def call(self, api_key, version, body):
        """Sends one request (header v2) and returns a Reader over the response body."""
        self.correlation_id += 1
        client_id = b"flexible-admin"
        header = struct.pack(">hhih", api_key, version, self.correlation_id, len(client_id))
        request = header + client_id + NO_TAGS + body
        host, port = self.broker.bootstrap.split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(struct.pack(">i", len(request)) + request)
            size = struct.unpack(">i", read_exact(sock, 4))[0]
            reader = Reader(read_exact(sock, size))
        self.assertEqual(reader.take(">i"), self.correlation_id)
        self.assertEqual(reader.tags(), {})  # response header v1
        return reader

    def create_topics(self, topics, validate_only=False):
        """CreateTopics v7 of [(name, partitions, {config: value})]; {name: result dict}."""
        body = carray([
            cstring(name) + struct.pack(">ih", partitions, -1) + carray([]) +
            carray([cstring(k) + cstring(v) + NO_TAGS for k, v in configs.items()]) + NO_TAGS
            for name, partitions, configs in topics])
        body += struct.pack(">ib", 5000, int(validate_only)) + NO_TAGS
        r = self.call(CREATE_TOPICS, 7, body)
        self.assertEqual(r.take(">i"), 0)

        def topic(r):
            result = {"name": r.cstring(), "id": r.uuid(), "error": r.take(">h"),
                      "message": r.cstring(), "partitions": r.take(">i"),
                      "replication_factor": r.take(">h")}
            result["configs"] = r.carray(lambda r: (r.cstring(), r.cstring(), r.take(">?"),
                                                    r.take(">b"), r.take(">?"), r.tags()))
            result["tags"] = r.tags()
            return result

        results = r.carray(topic)
        self.assertEqual(r.tags(), {})
        self.assertTrue(r.at_end())
        return {t["name"]: t for t in results}

    def delete_topics(self, topics):
        """DeleteTopics v6 of [(name or None, id)]; [(name, id, error, message)]."""
        body = carray([cstring(name) + topic_id + NO_TAGS for name, topic_id in topics])
        r = self.call(DELETE_TOPICS, 6, body + struct.pack(">i", 5000) + NO_TAGS)
        self.assertEqual(r.take(">i"), 0)
        results = r.carray(lambda r: (r.cstring(), r.uuid(), r.take(">h"), r.cstring(), r.tags()))
        self.assertEqual(r.tags(), {})
        self.assertTrue(r.at_end())
        return [result[:4] for result in results]

    def test_create_topics_v7_describes_the_topic_and_its_id(self):
        created = self.create_topics([("orders", 3, {"retention.ms": "3600000"}),
                                      ("plain", -1, {})])
        orders, plain = created["orders"], created["plain"]
        self.assertEqual(orders["error"], NONE)
        self.assertIsNone(orders["message"])
        self.assertNotEqual(orders["id"], ZERO_ID)
        self.assertNotEqual(plain["id"], ZERO_ID)
        self.assertNotEqual(orders["id"], plain["id"])
        self.assertEqual((orders["partitions"], orders["replication_factor"]), (3, 1))
        self.assertEqual(plain["partitions"], 1)  # the broker's num.partitions
        configs = {name: (value, source) for name, value, _, source, _, _ in orders["configs"]}
        self.assertEqual(configs["retention.ms"], ("3600000", TOPIC_CONFIG_SOURCE))
        self.assertEqual(configs["segment.bytes"][1], DEFAULT_CONFIG_SOURCE)
        self.assertFalse(any(read_only or sensitive
                             for _, _, read_only, _, sensitive, _ in orders["configs"]))

        again = self.create_topics([("orders", 1, {})])["orders"]
        self.assertEqual(again["error"], TOPIC_ALREADY_EXISTS)
        self.assertEqual((again["id"], again["partitions"], again["replication_factor"]),
                         (ZERO_ID, -1, -1))
        checked = self.create_topics([("checked", 2, {})], validate_only=True)["checked"]
        self.assertEqual((checked["error"], checked["id"], checked["partitions"]),
                         (NONE, ZERO_ID, 2))

    def test_delete_topics_v6_by_id_and_by_name(self):
        ids = {name: t["id"] for name, t in
               self.create_topics([("a", 1, {}), ("b", 1, {}), ("c", 1, {})]).items()}
        # The ids are the topics' own: they survive a restart.
        self.broker.restart()
        unknown = b"\x01" * 16
        self.assertEqual(self.delete_topics([(None, ids["a"]), ("b", ZERO_ID), (None, unknown),
                                             ("nope", ZERO_ID)]),
                         [("a", ids["a"], NONE, None), ("b", ids["b"], NONE, None),
                          (None, unknown, UNKNOWN_TOPIC_ID, None),
                          ("nope", ZERO_ID, UNKNOWN_TOPIC_OR_PARTITION, None)])
        # A topic named by both name and id makes the whole request invalid.
        refused = self.delete_topics([("c", ids["c"]), (None, ids["c"])])
        self.assertEqual([(name, code) for name, _, code, _ in refused],
                         [("c", INVALID_REQUEST), (None, INVALID_REQUEST)])
        self.assertEqual(self.delete_topics([(None, ids["c"])]), [("c", ids["c"], NONE, None)])
        # A topic created again under an old name has a new id.
        recreated = self.create_topics([("a", 1, {})])["a"]["id"]
        self.assertNotIn(recreated, (ids["a"], ZERO_ID))

    def test_delete_records_v2(self):
        self.create_topics([("trimmed", 1, {})])
        producer = kp_producer(self.broker.bootstrap, linger_ms=0)
        for i in range(5):
            producer.send("trimmed", value=b"m%d" % i, partition=0).get(timeout=10)
        producer.close()
        partitions = carray([struct.pack(">iq", 0, 3) + NO_TAGS,
                             struct.pack(">iq", 1, 0) + NO_TAGS])
        body = carray([cstring("trimmed") + partitions + NO_TAGS])
        r = self.call(DELETE_RECORDS, 2, body + struct.pack(">i", 5000) + NO_TAGS)
        self.assertEqual(r.take(">i"), 0)
        topics = r.carray(lambda r: (r.cstring(), r.carray(
            lambda r: (r.take(">i"), r.take(">q"), r.take(">h"), r.tags())), r.tags()))
        self.assertEqual(r.tags(), {})
        self.assertTrue(r.at_end())
        self.assertEqual(topics, [("trimmed", [(0, 3, NONE, {}),
                                               (1, -1, UNKNOWN_TOPIC_OR_PARTITION, {})], {})])

    def test_create_partitions_v3(self):
        self.create_topics([("grown", 1, {})])

        def grow(topics, validate_only=False):
            body = carray([cstring(name) + struct.pack(">i", count) + carray(assignments) +
                           NO_TAGS for name, count, assignments in topics])
            body += struct.pack(">ib", 5000, int(validate_only)) + NO_TAGS
            r = self.call(CREATE_PARTITIONS, 3, body)
            self.assertEqual(r.take(">i"), 0)
            results = r.carray(lambda r: (r.cstring(), r.take(">h"), r.cstring(), r.tags()))
            self.assertEqual(r.tags(), {})
            self.assertTrue(r.at_end())
            return {name: code for name, code, _, _ in results}

        one_replica = carray([struct.pack(">i", 0)])  # broker_ids [0]: this broker
        self.assertEqual(grow([("grown", 3, [one_replica + NO_TAGS] * 2)]), {"grown": NONE})
        self.assertEqual(grow([("grown", 2, None), ("missing", 2, None)]),
                         {"grown": INVALID_PARTITIONS, "missing": UNKNOWN_TOPIC_OR_PARTITION})
        self.assertEqual(grow([("grown", 4, None)], validate_only=True), {"grown": NONE})
        self.assertEqual(grow([("grown", 4, None)]), {"grown": NONE})
        self.assertEqual(grow([("grown", 4, None)]), {"grown": INVALID_PARTITIONS})


if __name__ == "__main__":
    unittest.main()
