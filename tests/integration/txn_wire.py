"""The transaction requests the KIP-890 produce-verification tests send by hand, so that
they control every field and see exactly what one chosen broker answers:
FindCoordinator for a transactional id, InitProducerId, AddPartitionsToTxn, EndTxn and
Produce v3 of transactional (or plain idempotent) batches, each over a
cluster_wire.Connection. Built on kafka_wire's primitives."""

import struct
import time

from cluster_wire import Connection
from kafka_wire import crc32c, string, varint

NONE = 0
NOT_ENOUGH_REPLICAS = 19
CONCURRENT_TRANSACTIONS = 51
INVALID_TXN_STATE = 48
INVALID_PRODUCER_ID_MAPPING = 49
TRANSACTIONAL_ID_AUTHORIZATION_FAILED = 53
TRANSACTIONAL = 0x10


def producer_batch(values, producer_id, epoch, base_sequence, transactional=True):
    """An uncompressed RecordBatch of `values` from the producer, transactional unless
    told (attribute bit 0x10)."""
    base_ts = int(time.time() * 1000)
    records = b""
    for i, value in enumerate(values):
        body = (b"\x00" + varint(i) + varint(i) + varint(-1) + varint(len(value)) + value +
                varint(0))
        records += varint(len(body)) + body
    attributes = TRANSACTIONAL if transactional else 0
    after_crc = struct.pack(">hiqqqhii", attributes, len(values) - 1, base_ts,
                            base_ts + len(values) - 1, producer_id, epoch, base_sequence,
                            len(values)) + records
    after_length = struct.pack(">ibI", -1, 2, crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


def find_txn_coordinator(port, transactional_id):
    """FindCoordinator v1 with key type 1: (error_code, node_id, port)."""
    with Connection(port) as conn:
        r = conn.call(10, 1, string(transactional_id) + struct.pack(">b", 1))
    r.take(">i")
    error, _message = r.take(">h"), r.string()
    node, _host, port_ = r.take(">i"), r.string(), r.take(">i")
    return error, node, port_


def init_producer_id(port, transactional_id, timeout_ms=60000, attempts=100):
    """InitProducerId v1 for `transactional_id`, retried while the coordinator answers a
    retriable error: (producer_id, epoch)."""
    for _ in range(attempts):
        with Connection(port) as conn:
            r = conn.call(22, 1, string(transactional_id) + struct.pack(">i", timeout_ms))
        r.take(">i")
        error, producer_id, epoch = r.take(">hqh")
        if error == NONE:
            return producer_id, epoch
        time.sleep(0.1)
    raise AssertionError("InitProducerId of %s: error %d" % (transactional_id, error))


def add_partitions(port, transactional_id, producer_id, epoch, topic, partitions):
    """AddPartitionsToTxn v1: {partition: error_code}."""
    body = (string(transactional_id) + struct.pack(">qh", producer_id, epoch) +
            struct.pack(">i", 1) + string(topic) + struct.pack(">i", len(partitions)) +
            b"".join(struct.pack(">i", p) for p in partitions))
    with Connection(port) as conn:
        r = conn.call(24, 1, body)
    r.take(">i")
    codes = {}
    for _ in range(r.take(">i")):
        r.string()
        for _ in range(r.take(">i")):
            partition, error = r.take(">ih")
            codes[partition] = error
    return codes


def end_txn(port, transactional_id, producer_id, epoch, commit):
    """EndTxn v1: the error code."""
    body = string(transactional_id) + struct.pack(">qh?", producer_id, epoch, commit)
    with Connection(port) as conn:
        r = conn.call(26, 1, body)
    r.take(">i")
    return r.take(">h")


def produce(port, transactional_id, topic, batches, acks=-1):
    """Produce v3 of one batch per partition (`batches`: {partition: batch bytes}) under
    `transactional_id` (None: none): {partition: (error_code, base_offset)}."""
    partitions = b"".join(struct.pack(">ii", p, len(batch)) + batch
                          for p, batch in sorted(batches.items()))
    body = (string(transactional_id) + struct.pack(">hi", acks, 10000) + struct.pack(">i", 1) +
            string(topic) + struct.pack(">i", len(batches)) + partitions)
    with Connection(port) as conn:
        r = conn.call(0, 3, body)
    answers = {}
    for _ in range(r.take(">i")):
        r.string()
        for _ in range(r.take(">i")):
            index, error, base_offset, _append_time = r.take(">ihqq")
            answers[index] = (error, base_offset)
    return answers
