"""The idempotent producer on the wire, request by request: InitProducerId hands out ids
and bumps epochs (KIP-360), a replayed Produce request (the retry of a producer whose
answer was lost) is answered with the first offsets and stored once, batches out of
sequence, of an old epoch or of an unknown producer are refused with nothing appended,
and DescribeProducers shows what a partition knows of its producers. The requests are
built here byte by byte from the protocol schemas, record batches included (CRC-32C
over the producer id, epoch and base sequence), so the test controls every field."""

import shutil
import socket
import struct
import subprocess
import tempfile
import unittest

from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from kafka_wire import NO_TAGS, Reader, carray, cstring, read_exact, record_batch, string
from ringlog_fixture import BACKEND, BINARY, Broker, BrokerTestCase, free_port

NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
INVALID_REQUEST = 42
OUT_OF_ORDER_SEQUENCE_NUMBER = 45
INVALID_PRODUCER_EPOCH = 47
UNKNOWN_PRODUCER_ID = 59

PRODUCE, FETCH, API_VERSIONS, INIT_PRODUCER_ID, DESCRIBE_PRODUCERS = 0, 1, 18, 22, 61
TOPIC = "idem"
BASE_TS = 1_700_000_000_000
DAY_MS = 86_400_000


def producer_batch(producer_id, epoch, base_sequence, values, base_ts=BASE_TS):
    """A batch of `values` from the producer, stamped from a fixed time."""
    return record_batch(values, producer_id, epoch, base_sequence, base_ts)


class IdempotentWireTest(BrokerTestCase):
    correlation_id = 0

    def setUp(self):
        super().setUp()
        self.sock = socket.create_connection(("127.0.0.1", self.broker.port), timeout=10)
        self.addCleanup(self.sock.close)

    # --- framing ---------------------------------------------------------------------

    def frame(self, api_key, version, body, flexible):
        """A request frame (header v1, or v2 when flexible) with a new correlation id."""
        self.correlation_id += 1
        header = struct.pack(">hhi", api_key, version, self.correlation_id) + string("idem-wire")
        header += NO_TAGS if flexible else b""
        return struct.pack(">i", len(header) + len(body)) + header + body

    def exchange(self, frame, flexible):
        """Sends one frame; returns a Reader over the response body."""
        self.sock.sendall(frame)
        size = struct.unpack(">i", read_exact(self.sock, 4))[0]
        reader = Reader(read_exact(self.sock, size))
        self.assertEqual(reader.take(">i"), struct.unpack_from(">i", frame, 8)[0])
        if flexible:
            reader.tags()
        return reader

    def call(self, api_key, version, body, flexible=False):
        return self.exchange(self.frame(api_key, version, body, flexible), flexible)

    # --- the APIs ----------------------------------------------------------------------

    def init_producer_id(self, version=4, transactional_id=None, producer_id=-1, epoch=-1):
        """(error code, producer id, epoch) of one InitProducerId request."""
        flexible = version >= 2
        body = cstring(transactional_id) if flexible else string(transactional_id)
        body += struct.pack(">i", 60000)
        if version >= 3:
            body += struct.pack(">qh", producer_id, epoch)
        body += NO_TAGS if flexible else b""
        r = self.call(INIT_PRODUCER_ID, version, body, flexible)
        self.assertEqual(r.take(">i"), 0)  # throttle time
        answer = r.take(">hqh")
        if flexible:
            r.tags()
        self.assertEqual(r.pos, len(r.data))
        return answer

    def new_producer(self):
        error, producer_id, epoch = self.init_producer_id()
        self.assertEqual((error, epoch), (NONE, 0))
        return producer_id

    def produce_frame(self, batch, partition=0):
        """Produce v3, acks=-1, one batch for one partition of TOPIC."""
        body = (string(None) + struct.pack(">hi", -1, 10000) + struct.pack(">i", 1) +
                string(TOPIC) + struct.pack(">ii", 1, partition) +
                struct.pack(">i", len(batch)) + batch)
        return self.frame(PRODUCE, 3, body, flexible=False)

    def produce_answer(self, frame):
        """(error code, base offset) of a Produce v3 frame."""
        r = self.exchange(frame, flexible=False)
        self.assertEqual(r.take(">i"), 1)
        self.assertEqual(r.string(), TOPIC)
        self.assertEqual(r.take(">i"), 1)
        partition, error, base_offset, _ = r.take(">ihqq")
        self.assertEqual(partition, 0)
        return error, base_offset

    def produce(self, batch):
        return self.produce_answer(self.produce_frame(batch))

    def fetch_batches(self):
        """(high watermark, [(base offset, record count, producer id, epoch, base sequence)])
        of partition 0 of TOPIC, from offset 0, by Fetch v4."""
        body = struct.pack(">iiiib", -1, 100, 1, 1 << 20, 0) + struct.pack(">i", 1)
        body += string(TOPIC) + struct.pack(">iiqi", 1, 0, 0, 1 << 20)
        r = self.call(FETCH, 4, body)
        r.take(">i")  # throttle time
        self.assertEqual(r.take(">i"), 1)
        self.assertEqual(r.string(), TOPIC)
        self.assertEqual(r.take(">i"), 1)
        partition, error, high_watermark, _ = r.take(">ihqq")
        self.assertEqual((partition, error), (0, NONE))
        self.assertIn(r.take(">i"), (-1, 0))  # no aborted transactions
        records = Reader(r.bytes(r.take(">i")))
        batches = []
        while records.pos < len(records.data):
            base_offset, length = records.take(">qi")
            header = Reader(records.bytes(length))
            header.take(">ibIhiqq")
            producer_id, epoch, base_sequence, count = header.take(">qhii")
            batches.append((base_offset, count, producer_id, epoch, base_sequence))
        return high_watermark, batches

    def describe_producers(self, topics):
        """{(topic, partition): (error, [(id, epoch, last seq, last ts, coord epoch,
        txn start)])} for topics {name: [partition, ...]}."""
        body = carray([cstring(name) + carray([struct.pack(">i", p) for p in partitions]) +
                       NO_TAGS for name, partitions in topics.items()]) + NO_TAGS
        r = self.call(DESCRIBE_PRODUCERS, 0, body, flexible=True)
        self.assertEqual(r.take(">i"), 0)
        found = {}

        def producer(r):
            state = r.take(">qiiqiq")
            r.tags()
            return state

        def partition(r):
            index, error = r.take(">ih")
            r.cstring()  # error message
            found[(name, index)] = (error, r.carray(producer))
            r.tags()

        for _ in range(r.uvarint() - 1):
            name = r.cstring()
            r.carray(partition)
            r.tags()
        r.tags()
        self.assertEqual(r.pos, len(r.data))
        return found

    def create_topic(self):
        admin = AdminClient({"bootstrap.servers": self.broker.bootstrap})
        admin.create_topics([NewTopic(TOPIC, 1, 1)], request_timeout=10)[TOPIC].result(timeout=15)

    # --- the tests ---------------------------------------------------------------------

    def test_api_versions_lists_both_apis(self):
        r = self.call(API_VERSIONS, 0, b"")
        self.assertEqual(r.take(">h"), NONE)
        ranges = {}
        for _ in range(r.take(">i")):
            key, low, high = r.take(">hhh")
            ranges[key] = (low, high)
        self.assertEqual(ranges[INIT_PRODUCER_ID], (0, 5))
        self.assertEqual(ranges[DESCRIBE_PRODUCERS], (0, 0))

    def test_init_producer_id_gives_ids_and_bumps_epochs(self):
        error, first, epoch = self.init_producer_id(version=0)
        self.assertEqual((error, epoch), (NONE, 0))
        second = self.new_producer()
        self.assertNotEqual(first, second)
        self.assertGreaterEqual(min(first, second), 0)

        # KIP-360: the same id, the next epoch.
        self.assertEqual(self.init_producer_id(3, None, second, 0), (NONE, second, 1))
        self.assertEqual(self.init_producer_id(5, None, second, 1), (NONE, second, 2))
        # An epoch that cannot go up any more: a new id, epoch 0.
        error, exhausted, epoch = self.init_producer_id(4, None, second, 32766)
        self.assertEqual((error, epoch), (NONE, 0))
        self.assertNotIn(exhausted, (first, second))
        # An id this broker never handed out: a new id of its own, epoch 0.
        error, fresh, epoch = self.init_producer_id(4, None, 10 ** 12, 3)
        self.assertEqual((error, epoch), (NONE, 0))
        self.assertNotIn(fresh, (first, second, exhausted, 10 ** 12))
        # An id without an epoch is malformed.
        self.assertEqual(self.init_producer_id(4, None, second, -1)[0], INVALID_REQUEST)

        # A transactional id gets an id of its own from the transaction coordinator, and
        # each new incarnation the next epoch of it (issue 17).
        error, txn_id, epoch = self.init_producer_id(0, "txn-app")
        self.assertEqual((error, epoch), (NONE, 0))
        self.assertNotIn(txn_id, (first, second, exhausted, fresh))
        self.assertEqual(self.init_producer_id(4, "txn-app"), (NONE, txn_id, 1))

        # Ids are never handed out twice, across a restart too.
        self.broker.restart()
        self.sock.close()
        self.sock = socket.create_connection(("127.0.0.1", self.broker.port), timeout=10)
        after = self.new_producer()
        self.assertGreater(after, max(first, second, exhausted, fresh))

    def test_a_replayed_produce_is_answered_with_its_first_offsets_and_stored_once(self):
        self.create_topic()
        producer_id = self.new_producer()
        first = self.produce_frame(producer_batch(producer_id, 0, 0, [b"a", b"b", b"c"]))
        self.assertEqual(self.produce_answer(first), (NONE, 0))
        self.assertEqual(self.produce_answer(first), (NONE, 0), "the retry of the same bytes")
        self.assertEqual(self.produce(producer_batch(producer_id, 0, 3, [b"d", b"e"])), (NONE, 3))
        self.assertEqual(self.produce_answer(first), (NONE, 0), "still one of the last five")
        self.assertEqual(self.fetch_batches(),
                         (5, [(0, 3, producer_id, 0, 0), (3, 2, producer_id, 0, 3)]))

    def test_batches_out_of_order_of_an_old_epoch_or_an_unknown_producer_are_refused(self):
        self.create_topic()
        producer_id = self.new_producer()
        self.assertEqual(self.produce(producer_batch(producer_id, 0, 0, [b"a"])), (NONE, 0))
        # A gap: sequence 1 is next.
        self.assertEqual(self.produce(producer_batch(producer_id, 0, 2, [b"gap"]))[0],
                         OUT_OF_ORDER_SEQUENCE_NUMBER)
        # After a bump, the old epoch is fenced.
        self.assertEqual(self.init_producer_id(4, None, producer_id, 0), (NONE, producer_id, 1))
        self.assertEqual(self.produce(producer_batch(producer_id, 1, 0, [b"b"])), (NONE, 1))
        self.assertEqual(self.produce(producer_batch(producer_id, 0, 1, [b"old"]))[0],
                         INVALID_PRODUCER_EPOCH)
        # A producer the partition has never seen must start at sequence 0.
        stranger = self.new_producer()
        self.assertEqual(self.produce(producer_batch(stranger, 0, 5, [b"lost"]))[0],
                         UNKNOWN_PRODUCER_ID)
        self.assertEqual(self.fetch_batches(),
                         (2, [(0, 1, producer_id, 0, 0), (1, 1, producer_id, 1, 0)]))

    def test_describe_producers_lists_each_producer_of_a_partition(self):
        self.create_topic()
        one, two = self.new_producer(), self.new_producer()
        self.assertEqual(self.produce(producer_batch(one, 0, 0, [b"a", b"b"])), (NONE, 0))
        self.assertEqual(self.produce(producer_batch(one, 0, 2, [b"c"] * 4, BASE_TS + 10)),
                         (NONE, 2))
        self.assertEqual(self.init_producer_id(4, None, two, 0), (NONE, two, 1))
        self.assertEqual(self.produce(producer_batch(two, 1, 0, [b"x"], BASE_TS + 20)), (NONE, 6))
        found = self.describe_producers({TOPIC: [0, 7], "nowhere": [0]})
        self.assertEqual(found[(TOPIC, 7)], (UNKNOWN_TOPIC_OR_PARTITION, []))
        self.assertEqual(found[("nowhere", 0)], (UNKNOWN_TOPIC_OR_PARTITION, []))
        error, producers = found[(TOPIC, 0)]
        self.assertEqual(error, NONE)
        self.assertEqual(sorted(producers), sorted([
            (one, 0, 5, BASE_TS + 13, -1, -1),
            (two, 1, 0, BASE_TS + 20, -1, -1),
        ]))


class ProducerIdExpirationFlagTest(unittest.TestCase):
    """--producer_id_expiration_ms is Kafka's producer.id.expiration.ms."""

    def describe_broker(self, *args):
        broker = Broker(args).start()
        self.addCleanup(broker.close)
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        resource = ConfigResource("broker", "0")
        entries = admin.describe_configs([resource], request_timeout=10)[resource].result(
            timeout=15)
        return entries["producer.id.expiration.ms"]

    def test_the_value_in_effect_is_described(self):
        self.assertEqual(self.describe_broker().value, str(DAY_MS))
        entry = self.describe_broker("--producer_id_expiration_ms=12345")
        self.assertEqual(entry.value, "12345")
        self.assertTrue(entry.is_read_only)

    def test_a_non_positive_value_is_refused(self):
        data_dir = tempfile.mkdtemp(prefix="ringlog-expiry-")
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        for value in ("0", "-5"):
            with self.subTest(value=value):
                result = subprocess.run(
                    [BINARY, "serve", "--listen=127.0.0.1:%d" % free_port(),
                     "--data_dir=" + data_dir, "--backend=" + BACKEND,
                     "--producer_id_expiration_ms=" + value],
                    capture_output=True, timeout=20, text=True)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("producer.id.expiration.ms must be positive", result.stderr)


if __name__ == "__main__":
    unittest.main()
