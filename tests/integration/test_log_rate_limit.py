"""Warnings about bad requests are rate-limited per peer address, with a count of what was
suppressed.

2,000 malformed requests from 127.0.0.1, each on a new connection as a fuzzer reconnects
(unknown API keys, negative frame sizes, undecodable bodies, control batches that produce
refuses), must leave a bounded number of WARNING lines about the peer: a burst of 10, then
about one a second. The lines held back are counted, and the first line let through after
them says how many: "<N> similar messages from 127.0.0.1 suppressed in the last <X>s".
Every request is accounted for: the lines written plus the counts reported add up to the
requests sent."""

import re
import socket
import struct
import time

from kafka_helpers import kp_producer
from kafka_wire import crc32c, varint
from ringlog_fixture import BrokerTestCase
from test_bad_input import METADATA, PRODUCE, frame, produce_body

TOPIC = "precious"
FLOOD = 2000
BURST = 10
WARNING_LINE = re.compile(r"^W\d{8} .*127\.0\.0\.1")
SUPPRESSED = re.compile(r"(\d+) similar messages from 127\.0\.0\.1 suppressed in the last "
                        r"[0-9.]+s")


def control_batch():
    """A CRC-valid RecordBatch v2 with the control bit set, which producers may not write."""
    body = b"\x00" + varint(0) + varint(0) + varint(-1) + varint(1) + b"x" + varint(0)
    record = varint(len(body)) + body
    now = int(time.time() * 1000)
    attributes = 0x20
    after_crc = struct.pack(">hiqqqhii", attributes, 0, now, now, -1, -1, -1, 1) + record
    after_length = struct.pack(">ibI", -1, 2, crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


# Each gets one WARNING line from the broker today; all but the produce close the connection.
MALFORMED = [
    frame(9999, 0, b""),                                 # unknown API key
    struct.pack(">i", -5) + b"\x00" * 8,                 # negative frame size
    frame(METADATA, 1, struct.pack(">i", 0x7FFFFFFF)),   # undecodable body
    frame(PRODUCE, 3, produce_body(control_batch())),    # batch refused by produce
]


class LogRateLimitTest(BrokerTestCase):
    BROKER_ARGS = ("--num_partitions=1",)

    def send_malformed(self, data):
        """Sends `data` on a new connection and waits for the broker to answer or close."""
        with socket.create_connection(("127.0.0.1", self.broker.port), timeout=10) as sock:
            sock.sendall(data)
            expected = None
            received = b""
            while expected is None or len(received) < expected:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                received += chunk
                if expected is None and len(received) >= 4:
                    expected = 4 + struct.unpack(">i", received[:4])[0]

    def warnings_about_the_peer(self):
        return [line for line in self.broker.output().splitlines() if WARNING_LINE.match(line)]

    def test_a_flood_of_bad_requests_leaves_few_lines(self):
        producer = kp_producer(self.broker.bootstrap, acks=1)
        producer.send(TOPIC, b"the topic exists").get(timeout=10)
        producer.close()
        before = len(self.warnings_about_the_peer())
        self.assertEqual(before, 0)

        start = time.monotonic()
        for i in range(FLOOD):
            self.send_malformed(MALFORMED[i % len(MALFORMED)])
        elapsed = time.monotonic() - start
        # Past the interval, the next line is let through with the count before it.
        time.sleep(1.2)
        self.send_malformed(MALFORMED[0])

        lines = self.warnings_about_the_peer()
        counts = [int(m.group(1)) for m in map(SUPPRESSED.search, lines) if m]
        messages = [line for line in lines if not SUPPRESSED.search(line)]
        print("\n%d malformed requests in %.1f s: %d warning lines about the peer, %d "
              "suppressed-count lines reporting %d" % (FLOOD + 1, elapsed, len(lines),
                                                       len(counts), sum(counts)))
        self.assertTrue(counts, "no line says how many messages were suppressed")
        self.assertLessEqual(len(messages), BURST + int(elapsed) + 2, "\n".join(lines[-20:]))
        self.assertEqual(len(messages) + sum(counts), FLOOD + 1,
                         "every malformed request is either logged or counted")
        # Each kind of warning is among the lines written.
        for what in ("unsupported API key", "negative request size", "bad Metadata request",
                     "refused"):
            self.assertTrue(any(what in line for line in messages), what)


if __name__ == "__main__":
    import unittest
    unittest.main()
