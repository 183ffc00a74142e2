"""DescribeCluster (API 60), as the Java AdminClient's describeCluster sends it: the single
broker describes itself as a cluster of one, its own controller, and agrees with what a
real client (kafka-python) reads from Metadata. None of the Python clients in the matrix
sends DescribeCluster, so the request is written here from the protocol schema and sent
over a plain socket to the real broker."""

import socket
import struct
import unittest

from kafka import KafkaAdminClient
from kafka_wire import NO_TAGS, Reader, read_exact
from ringlog_fixture import BrokerTestCase

DESCRIBE_CLUSTER = 60
UNSUPPORTED_ENDPOINT_TYPE = 119
INT32_MIN = -2 ** 31


class DescribeClusterTest(BrokerTestCase):
    def describe(self, version, endpoint_type=1):
        """Sends DescribeCluster at `version` and returns the decoded response."""
        client_id = b"describe-cluster"
        header = struct.pack(">hhih", DESCRIBE_CLUSTER, version, 11, len(client_id))
        body = b"\x00"  # include_cluster_authorized_operations false
        if version >= 1:
            body += struct.pack(">b", endpoint_type)
        request = header + client_id + NO_TAGS + body + NO_TAGS
        host, port = self.broker.bootstrap.split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(struct.pack(">i", len(request)) + request)
            size = struct.unpack(">i", read_exact(sock, 4))[0]
            r = Reader(read_exact(sock, size))
        self.assertEqual(r.take(">i"), 11)
        self.assertEqual(r.tags(), {})
        response = {"throttle": r.take(">i"), "error": r.take(">h"), "message": r.cstring()}
        if version >= 1:
            response["endpoint_type"] = r.take(">b")
        response["cluster_id"] = r.cstring()
        response["controller_id"] = r.take(">i")
        response["brokers"] = r.carray(
            lambda r: (r.take(">i"), r.cstring(), r.take(">i"), r.cstring(), r.tags())[:4])
        response["authorized_operations"] = r.take(">i")
        self.assertEqual(r.tags(), {})
        self.assertTrue(r.at_end())
        return response

    def test_single_broker_describes_itself(self):
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        try:
            metadata = admin.describe_cluster()
        finally:
            admin.close()
        node_id = metadata["controller_id"]
        host, port = self.broker.bootstrap.split(":")
        for version in (0, 1):
            response = self.describe(version)
            self.assertEqual(response["error"], 0)
            self.assertIsNone(response["message"])
            self.assertEqual(response["cluster_id"], metadata["cluster_id"])
            self.assertEqual(response["controller_id"], node_id)
            self.assertEqual(response["brokers"], [(node_id, host, int(port), None)])
            self.assertEqual(response["authorized_operations"], INT32_MIN)
        self.assertEqual(response["endpoint_type"], 1)

    def test_controller_endpoints_are_not_served(self):
        response = self.describe(1, endpoint_type=2)
        self.assertEqual(response["error"], UNSUPPORTED_ENDPOINT_TYPE)
        self.assertEqual(response["brokers"], [])


if __name__ == "__main__":
    unittest.main()
