#!/usr/bin/python3
"""Writes golden Kafka RecordBatch v2 files made by real client libraries.

kafka-python's own batch builder (kafka.record.default_records.DefaultRecordBatchBuilder,
the code its producer sends with) writes one batch per file into tests/data/batches/, one
per codec; librdkafka (through confluent-kafka, producing to librdkafka's own mock
cluster, from which the stored batch is fetched back byte for byte) writes one per codec
too. manifest.txt describes what each holds so that tests/engine/golden_batch_test.cc can
check our parser against it. Every compressed batch holds the same 50 records as
uncompressed_compressible.bin, so tests/engine/decompressor_test.cc can check that each
decompresses to exactly that batch's records section. The two clients differ in how they
compress: kafka-python frames snappy as the Java client does (xerial), librdkafka writes
one raw snappy block; their lz4 and zstd frame options differ too.

Run with the system interpreter, which has kafka-python 2.0.2 and the codec modules:
    /usr/bin/python3 tests/data/make_golden_batches.py

manifest.txt, one item per line ('#' starts a comment):
    batch <file> codec=<0-4> records=<n> base_ts=<ms> max_ts=<ms> producer_id=<n>
          producer_epoch=<n> base_sequence=<n> transactional=<0|1>   (all on one line)
    record <offset delta> <timestamp> <key> <value> <header count> [<hkey> <hvalue>]...
'record' lines follow their 'batch' line and are listed only for uncompressed batches.
A byte field is '-' for null, otherwise 'x' followed by its bytes in hex ('x' alone is
empty), so that every field is one whitespace-free token.
"""

import os
import struct
import sys
import time
from unittest import mock

from confluent_kafka import Producer
from kafka.client_async import KafkaClient
from kafka.protocol.fetch import FetchRequest
from kafka.record.default_records import DefaultRecordBatchBuilder

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "batches")
BASE_TS = 1700000000000  # 2023-11-14T22:13:20Z


def field(b):
    return "-" if b is None else "x" + b.hex()


def mixed_records():
    """Keys, a null key, a null value, headers (one with a null value), timestamps out of
    order, and a value long enough to need a two-byte length."""
    return [
        (BASE_TS, b"key-0", b"value-0", []),
        (BASE_TS + 5, None, b"value with a null key", [("trace", b"abc")]),
        (BASE_TS - 3, b"tombstone", None, []),
        (BASE_TS + 20, b"", b"", [("h1", b"1"), ("h2", None), ("", b"")]),
        (BASE_TS + 7, b"\x00\xff binary", bytes(range(256)) * 2, []),
    ]


def compressible_records(n):
    """Repetitive values so that every codec shrinks them: kafka-python sends a batch
    uncompressed when compression would not help."""
    return [
        (BASE_TS + 10 * i, b"key-%d" % (i % 4), b"payload %04d " % i + b"abcdefgh" * 16,
         [("seq", str(i).encode())] if i % 10 == 0 else [])
        for i in range(n)
    ]


def build(codec, records, producer_id=-1, producer_epoch=-1, base_sequence=-1,
          transactional=False):
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=CODECS[codec], is_transactional=transactional,
        producer_id=producer_id, producer_epoch=producer_epoch,
        base_sequence=base_sequence, batch_size=1 << 20)
    for offset, (ts, key, value, headers) in enumerate(records):
        if builder.append(offset, ts, key, value, headers) is None:
            sys.exit("record %d did not fit the batch" % offset)
    # gzip stamps the current time into its header; pin it so reruns give the same bytes.
    with mock.patch("gzip.time.time", return_value=0):
        data = bytes(builder.build())
    if codec != "none" and data[22] & 0x07 == 0:
        sys.exit("kafka-python sent the %s batch uncompressed" % codec)
    return data


def fetch_first_batch(bootstrap, topic):
    """The first record batch of partition 0 of `topic`, as the broker stores it."""
    client = KafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        node = client.least_loaded_node()
        deadline = time.time() + 10
        while not client.ready(node) and time.time() < deadline:
            client.poll(timeout_ms=50)
        request = FetchRequest[10](
            replica_id=-1, max_wait_time=0, min_bytes=0, max_bytes=1 << 20,
            isolation_level=0, session_id=0, session_epoch=-1,
            topics=[(topic, [(0, -1, 0, -1, 1 << 20)])], forgotten_topics_data=[])
        future = client.send(node, request)
        client.poll(future=future, timeout_ms=10000)
        if not future.succeeded():
            sys.exit("fetch from the mock cluster failed: %s" % future.exception)
        partition = future.value.topics[0][1][0]
        records = partition[-1]
        length = struct.unpack_from(">i", records, 8)[0]
        if len(records) != 12 + length:
            sys.exit("librdkafka sent %s in more than one batch" % topic)
        return bytes(records)
    finally:
        client.close()


def build_librdkafka(codec, records):
    """The one batch librdkafka sends for `records` compressed with `codec`."""
    producer = Producer({"test.mock.num.brokers": 1, "compression.type": codec,
                         "linger.ms": 1000, "batch.num.messages": len(records),
                         "log_level": 3})
    bootstrap = "%s:%d" % next((b.host, b.port)
                               for b in producer.list_topics(timeout=10).brokers.values())
    topic = "golden-" + codec
    for ts, key, value, headers in records:
        producer.produce(topic, key=key, value=value, partition=0, timestamp=ts,
                         headers=[(k, v) for k, v in headers])
    if producer.flush(10) != 0:
        sys.exit("librdkafka did not deliver the %s batch" % codec)
    data = fetch_first_batch(bootstrap, topic)
    if data[22] & 0x07 != CODECS[codec]:
        sys.exit("librdkafka did not compress the %s batch" % codec)
    return data


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    cases = [
        ("uncompressed_mixed.bin", "none", mixed_records(), {}),
        ("uncompressed_idempotent.bin", "none", compressible_records(3),
         dict(producer_id=4242, producer_epoch=3, base_sequence=17)),
        ("uncompressed_transactional.bin", "none", mixed_records()[:2],
         dict(producer_id=99, producer_epoch=0, base_sequence=0, transactional=True)),
    ]
    cases.append(("uncompressed_compressible.bin", "none", compressible_records(50), {}))
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        cases.append(("%s.bin" % codec, codec, compressible_records(50), {}))
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        cases.append(("librdkafka_%s.bin" % codec, codec, compressible_records(50),
                      dict(client="librdkafka")))

    lines = ["# Generated by make_golden_batches.py with kafka-python's "
             "DefaultRecordBatchBuilder and librdkafka; do not edit."]
    for name, codec, records, options in cases:
        if options.pop("client", None) == "librdkafka":
            data = build_librdkafka(codec, records)
        else:
            data = build(codec, records, **options)
        with open(os.path.join(OUT_DIR, name), "wb") as f:
            f.write(data)
        timestamps = [r[0] for r in records]
        lines.append(
            "batch %s codec=%d records=%d base_ts=%d max_ts=%d producer_id=%d "
            "producer_epoch=%d base_sequence=%d transactional=%d" % (
                name, CODECS[codec], len(records), timestamps[0], max(timestamps),
                options.get("producer_id", -1), options.get("producer_epoch", -1),
                options.get("base_sequence", -1), int(options.get("transactional", False))))
        if codec != "none":
            continue
        for offset, (ts, key, value, headers) in enumerate(records):
            parts = ["record", str(offset), str(ts), field(key), field(value),
                     str(len(headers))]
            for h_key, h_value in headers:
                parts += [field(h_key.encode()), field(h_value)]
            lines.append(" ".join(parts))
    with open(os.path.join(OUT_DIR, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
