"""Compressed batches that consumers could not read are refused on produce, as Kafka
refuses them, and nothing of theirs is stored: a batch whose CRC is right but whose
records section is not data of the codec its attributes name (CORRUPT_MESSAGE), one cut
short (CORRUPT_MESSAGE), one whose records inside are out of order (INVALID_RECORD), and
one that decompresses to more than the broker's bound, a decompression bomb
(MESSAGE_TOO_LARGE). Valid compressed batches from real clients (kcat and confluent-kafka,
i.e. librdkafka, and batches built here the way kafka-python and the Java client frame
them) are stored byte for byte and kcat then reads every record back: a stored bad batch
would stop it at that offset forever.

Batches are sent on the wire with kafka-python's low-level client, so the test controls
every byte of them."""

import gzip
import struct
import time
import unittest

import lz4.frame
import snappy
import zstandard
from kafka.protocol.fetch import FetchRequest
from kafka.protocol.produce import ProduceRequest

from kafka_helpers import ck_produce, ck_producer, kcat, raw_request
from kafka_wire import crc32c, varint
from ringlog_fixture import BrokerTestCase

CORRUPT_MESSAGE = 2
MESSAGE_TOO_LARGE = 10
INVALID_RECORD = 87
CODECS = {"gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
TOPIC = "compressed"
BOMB_BYTES = 65 << 20  # above the broker's 64 MiB bound on decompressed records


def xerial_snappy(data):
    """snappy as the Java client (snappy-java) and kafka-python frame it."""
    out = b"\x82SNAPPY\x00" + struct.pack(">ii", 1, 1)
    for pos in range(0, len(data), 32 << 10):
        block = snappy.compress(data[pos:pos + (32 << 10)])
        out += struct.pack(">i", len(block)) + block
    return out


COMPRESS = {
    "gzip": gzip.compress,
    "snappy": xerial_snappy,
    "lz4": lambda data: lz4.frame.compress(data, block_linked=False),
    "zstd": zstandard.ZstdCompressor().compress,
}


def records_section(values, deltas=None):
    """Uncompressed records with null keys; offset deltas 0..n-1 unless given."""
    out = b""
    for i, value in enumerate(values):
        delta = i if deltas is None else deltas[i]
        body = (b"\x00" + varint(0) + varint(delta) + varint(-1) + varint(len(value)) +
                value + varint(0))
        out += varint(len(body)) + body
    return out


def batch(section, count, codec):
    """A RecordBatch v2 around `section` (already compressed), with a valid CRC."""
    now = int(time.time() * 1000)
    after_crc = struct.pack(">hiqqqhii", CODECS[codec], count - 1, now, now, -1, -1, -1,
                            count) + section
    after_length = struct.pack(">ibI", -1, 2, crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


class CompressedValidationTest(BrokerTestCase):
    BROKER_ARGS = ("--num_partitions=1",)

    def produce_raw(self, records):
        """The error code of a one-partition Produce v7 carrying `records`."""
        request = ProduceRequest[7](transactional_id=None, required_acks=1, timeout=10000,
                                    topics=[(TOPIC, [(0, records)])])
        response = raw_request(self.broker.bootstrap, request)
        return response.topics[0][1][0][1]

    def stored(self):
        """The bytes of every batch stored in partition 0."""
        request = FetchRequest[10](
            replica_id=-1, max_wait_time=0, min_bytes=0, max_bytes=64 << 20,
            isolation_level=0, session_id=0, session_epoch=-1,
            topics=[(TOPIC, [(0, 0, 0, -1, 64 << 20)])], forgotten_topics_data=[])
        partition = raw_request(self.broker.bootstrap, request).topics[0][1][0]
        self.assertEqual(partition[1], 0, "fetch error")
        return partition[-1]

    def consume_all(self):
        out = kcat("-b", self.broker.bootstrap, "-C", "-t", TOPIC, "-e", "-o", "beginning",
                   "-f", "%s\n")
        return out.splitlines()

    def test_unreadable_batches_are_refused_and_readable_ones_kept(self):
        expected = [b"first-%d" % i for i in range(3)]
        kcat("-b", self.broker.bootstrap, "-P", "-t", TOPIC, "-z", "lz4",
             data=b"\n".join(expected) + b"\n")
        before = self.stored()

        values = [b"value %d " % i * 20 for i in range(10)]
        section = records_section(values)
        for codec, compress in COMPRESS.items():
            with self.subTest(codec=codec, case="garbage"):
                garbage = batch(b"this is not %s data, though the CRC is right" %
                                codec.encode(), len(values), codec)
                self.assertEqual(self.produce_raw(garbage), CORRUPT_MESSAGE)
            with self.subTest(codec=codec, case="uncompressed records flagged compressed"):
                # Raw snappy has no magic to miss: what it makes of them fails the
                # record checks instead.
                self.assertIn(self.produce_raw(batch(section, len(values), codec)),
                              (CORRUPT_MESSAGE, INVALID_RECORD))
            with self.subTest(codec=codec, case="cut short"):
                whole = compress(section)
                cut = batch(whole[:len(whole) * 2 // 3], len(values), codec)
                self.assertEqual(self.produce_raw(cut), CORRUPT_MESSAGE)
            with self.subTest(codec=codec, case="offset deltas out of order"):
                swapped = records_section(values, deltas=[1, 0] + list(range(2, 10)))
                self.assertEqual(self.produce_raw(batch(compress(swapped), 10, codec)),
                                 INVALID_RECORD)
            with self.subTest(codec=codec, case="more records than the header says"):
                self.assertEqual(self.produce_raw(batch(compress(section), 9, codec)),
                                 CORRUPT_MESSAGE)
        bomb_section = compress_bomb()
        self.assertLess(len(bomb_section), 1 << 20)
        self.assertEqual(self.produce_raw(batch(bomb_section, 1, "zstd")), MESSAGE_TOO_LARGE)
        self.assertEqual(self.stored(), before, "a refused batch was stored")
        self.assertEqual(self.consume_all(), expected)

        # Valid compressed batches: built here the way the Java client and kafka-python
        # frame them, then from kcat and confluent-kafka (librdkafka).
        sent = []
        for codec, compress in COMPRESS.items():
            values = [b"%s-raw-%d" % (codec.encode(), i) * 3 for i in range(10)]
            good = batch(compress(records_section(values)), len(values), codec)
            self.assertEqual(self.produce_raw(good), 0, codec)
            sent.append(good)
            expected += values
        stored = self.stored()[len(before):]
        for good in sent:
            # The broker rewrites the base offset and leader epoch, outside the CRC.
            self.assertEqual(stored[8:12], good[8:12])
            self.assertEqual(stored[12:16], b"\x00\x00\x00\x00")
            self.assertEqual(stored[16:len(good)], good[16:], "not stored byte for byte")
            stored = stored[len(good):]
        for codec in CODECS:
            lines = [b"%s-kcat-%d" % (codec.encode(), i) * 4 for i in range(50)]
            kcat("-b", self.broker.bootstrap, "-P", "-t", TOPIC, "-z", codec,
                 "-X", "linger.ms=20", data=b"\n".join(lines) + b"\n")
            expected += lines
            producer = ck_producer(self.broker.bootstrap,
                                   **{"compression.type": codec, "linger.ms": 20})
            values = [b"%s-ck-%d" % (codec.encode(), i) * 4 for i in range(50)]
            ck_produce(producer, TOPIC, ((None, v, None, None) for v in values))
            expected += values
        self.assertEqual(self.consume_all(), expected)


def compress_bomb():
    """One record of BOMB_BYTES zeros, zstd-compressed to a few kilobytes."""
    compressor = zstandard.ZstdCompressor()
    chunks = compressor.compressobj()
    body_head = b"\x00" + varint(0) + varint(0) + varint(-1) + varint(BOMB_BYTES)
    body_len = len(body_head) + BOMB_BYTES + 1
    out = chunks.compress(varint(body_len) + body_head)
    zeros = bytes(1 << 20)
    for _ in range(BOMB_BYTES >> 20):
        out += chunks.compress(zeros)
    out += chunks.compress(varint(0)) + chunks.flush()
    return out


if __name__ == "__main__":
    unittest.main()
