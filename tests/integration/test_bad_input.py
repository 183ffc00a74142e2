"""Bad input on raw sockets: malformed frames, hostile counts, unknown APIs and versions,
damaged or oversize record batches. Each gets the protocol's error code or a closed
connection; afterwards the broker still serves a fresh client (ApiVersions, then a
kafka-python produce and consume) and the messages stored before are intact.

Frames are built here with struct.pack, without a client library, so the test controls
every byte."""

import socket
import struct
import time
import unittest

from kafka_helpers import kp_consume, kp_producer
from kafka_wire import Reader, read_exact, record_batch, string
from ringlog_fixture import BrokerTestCase

UNSUPPORTED_VERSION = 35
CORRUPT_MESSAGE = 2
UNKNOWN_TOPIC_OR_PARTITION = 3
MESSAGE_TOO_LARGE = 10
INVALID_RECORD = 87

PRODUCE, FETCH, METADATA, API_VERSIONS, CREATE_TOPICS = 0, 1, 3, 18, 19
MAX_REQUEST_BYTES = 1 << 20
MAX_MESSAGE_BYTES = 4096
TOPIC = "precious"


def message_set_v1(value):
    """A magic 1 message set (the pre-0.11 format) holding one message."""
    message = struct.pack(">bbqi", 1, 0, int(time.time() * 1000), -1)
    message += struct.pack(">i", len(value)) + value
    message = struct.pack(">I", 0) + message  # the CRC is never checked: magic 1 is refused
    return struct.pack(">qi", 0, len(message)) + message


def produce_body(records, topic=TOPIC, partition=0):
    """Produce v3: no transactional id, acks=1."""
    return (struct.pack(">hhi", -1, 1, 5000) + struct.pack(">i", 1) + string(topic) +
            struct.pack(">ii", 1, partition) + struct.pack(">i", len(records)) + records)


def frame(api_key, version, body, correlation_id=7):
    header = struct.pack(">hhi", api_key, version, correlation_id) + string("bad-input")
    return struct.pack(">i", len(header) + len(body)) + header + body


class BadInputTest(BrokerTestCase):
    BROKER_ARGS = ("--socket_request_max_bytes=%d" % MAX_REQUEST_BYTES,
                   "--message_max_bytes=%d" % MAX_MESSAGE_BYTES, "--num_partitions=1")

    def setUp(self):
        super().setUp()
        self.stored = [b"before-%d" % i for i in range(5)]
        self.produce(self.stored)

    def produce(self, values):
        producer = kp_producer(self.broker.bootstrap, linger_ms=0, acks="all")
        try:
            for value in values:
                producer.send(TOPIC, value=value, partition=0).get(timeout=10)
        finally:
            producer.close()

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.broker.port), timeout=5)
        self.addCleanup(sock.close)
        return sock

    def exchange(self, data):
        """Sends `data` on a new connection; returns the response body after the
        correlation id, or None when the broker closed the connection instead."""
        sock = self.connect()
        try:
            sock.sendall(data)
            size = struct.unpack(">i", read_exact(sock, 4))[0]
            response = read_exact(sock, size)
        except (ConnectionError, BrokenPipeError):
            return None
        self.assertEqual(struct.unpack(">i", response[:4])[0], 7, "correlation id")
        return response[4:]

    def assert_closed(self, data):
        closings = self.broker.output().count("closing connection")
        self.assertIsNone(self.exchange(data), "the broker answered instead of closing")
        self.assert_still_serves()
        self.assertGreater(self.broker.output().count("closing connection"), closings,
                           "no log line says why the connection was closed")

    def produce_error(self, records):
        """The error code of the one partition of a Produce v3 request."""
        body = self.exchange(frame(PRODUCE, 3, produce_body(records)))
        self.assertIsNotNone(body, "the broker closed the connection")
        reader = Reader(body)
        self.assertEqual(reader.take(">i"), 1)
        reader.string()
        self.assertEqual(reader.take(">i"), 1)
        self.assertEqual(reader.take(">i"), 0)
        return reader.take(">h")

    def assert_still_serves(self):
        """ApiVersions on a fresh connection, a new message stored, and every message
        stored so far read back intact."""
        body = self.exchange(frame(API_VERSIONS, 0, b""))
        self.assertIsNotNone(body)
        self.assertEqual(Reader(body).take(">h"), 0)
        self.stored.append(b"after-%d" % len(self.stored))
        self.produce(self.stored[-1:])
        records = kp_consume(self.broker.bootstrap, TOPIC, len(self.stored), timeout=15)
        self.assertEqual([r.value for r in records], self.stored)

    def test_negative_frame_length(self):
        self.assert_closed(struct.pack(">i", -5) + b"\x00" * 16)

    def test_frame_above_socket_request_max_bytes(self):
        self.assert_closed(struct.pack(">i", MAX_REQUEST_BYTES + 1) + b"\x00" * 64)

    def test_empty_frame(self):
        self.assert_closed(struct.pack(">i", 0))

    def test_unknown_api_key(self):
        self.assert_closed(frame(9999, 0, b""))

    def test_unsupported_version_of_another_api(self):
        self.assert_closed(frame(METADATA, 42, struct.pack(">i", -1)))

    def test_truncated_body(self):
        body = produce_body(record_batch([b"cut short"]))
        self.assert_closed(frame(PRODUCE, 3, body[: len(body) // 2]))

    def test_hostile_array_counts(self):
        self.assert_closed(frame(METADATA, 1, struct.pack(">i", 0x7FFFFFFF)))
        self.assert_closed(frame(CREATE_TOPICS, 2, struct.pack(">i", 0x7FFFFFFF) + b"\x00" * 8))
        huge_batch = struct.pack(">hhi", -1, 1, 5000) + struct.pack(">i", 1) + string(TOPIC) + \
            struct.pack(">iii", 1, 0, 0x7FFFFFF0) + b"\x00" * 32
        self.assert_closed(frame(PRODUCE, 3, huge_batch))

    def test_garbage_bytes(self):
        garbage = bytes((i * 37 + 11) % 256 for i in range(200))
        self.assert_closed(struct.pack(">i", len(garbage)) + garbage)
        self.assert_closed(b"\xde\xad\xbe\xef" * 16)

    def test_api_versions_v99_gets_the_v0_fallback(self):
        body = self.exchange(frame(API_VERSIONS, 99, b"\x00\x01\x02"))
        self.assertIsNotNone(body)
        reader = Reader(body)
        self.assertEqual(reader.take(">h"), UNSUPPORTED_VERSION)
        ranges = [reader.take(">hhh") for _ in range(reader.take(">i"))]
        self.assertIn((API_VERSIONS, 0, 3), ranges)
        self.assertEqual(reader.pos, len(body), "v0 layout: no throttle time")
        self.assert_still_serves()

    def test_batch_with_a_wrong_crc(self):
        # The same batch with its CRC right is stored: only the CRC is wrong below.
        self.assertEqual(self.produce_error(record_batch([b"built here"])), 0)
        self.stored.append(b"built here")
        self.assertEqual(self.produce_error(record_batch([b"x"], bad_crc=True)), CORRUPT_MESSAGE)
        self.assert_still_serves()

    def test_magic_1_in_produce_v3(self):
        self.assertEqual(self.produce_error(message_set_v1(b"old")), INVALID_RECORD)
        self.assert_still_serves()

    def test_batch_above_max_message_bytes(self):
        big = record_batch([b"z" * (MAX_MESSAGE_BYTES + 100)])
        self.assertEqual(self.produce_error(big), MESSAGE_TOO_LARGE)
        self.assert_still_serves()

    def test_fetch_for_an_unknown_partition(self):
        body = struct.pack(">iiiib", -1, 100, 1, 1 << 20, 0) + struct.pack(">i", 1) + \
            string(TOPIC) + struct.pack(">iiqi", 1, 7, 0, 1 << 20)
        response = self.exchange(frame(FETCH, 4, body))
        self.assertIsNotNone(response)
        reader = Reader(response)
        reader.take(">i")  # throttle time
        self.assertEqual(reader.take(">i"), 1)
        reader.string()
        self.assertEqual(reader.take(">i"), 1)
        self.assertEqual(reader.take(">ih"), (7, UNKNOWN_TOPIC_OR_PARTITION))
        self.assert_still_serves()


if __name__ == "__main__":
    unittest.main()
