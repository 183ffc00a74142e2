"""Transactional requests built byte by byte, for the tests that decide on which connection
each copy of a request travels and when its last byte arrives: a raw transactional
producer (InitProducerId v1, AddPartitionsToTxn v1, Produce v3 with transactional batches,
EndTxn v1), DescribeTransactions v0, and a read_committed reader (Fetch v11) that filters
aborted transactions as a Kafka consumer does. Built on kafka_wire's primitives."""

import socket
import struct
import time

from kafka_wire import NO_TAGS, Reader, carray, crc32c, cstring, read_exact, record_batch, string

NONE = 0
DUPLICATE_SEQUENCE_NUMBER = 46
INVALID_TXN_STATE = 48
CONCURRENT_TRANSACTIONS = 51

TRANSACTIONAL = 0x10  # record batch attribute bits
CONTROL = 0x20


def frame(api_key, version, correlation_id, body):
    """A whole request frame (size prefix, request header v1, body)."""
    header = struct.pack(">hhi", api_key, version, correlation_id) + string("txn-frames")
    return struct.pack(">i", len(header) + len(body)) + header + body


class Connection:
    """One TCP connection to the broker. A request can be sent whole (call), or all but
    its last byte (hold) so that it reaches the broker only when released."""

    def __init__(self, port, timeout=15.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.correlation_id = 0
        self.held = None

    def close(self):
        self.sock.close()

    def send(self, request):
        """Sends (api_key, version, body) whole; returns its correlation id."""
        self.correlation_id += 1
        self.sock.sendall(frame(*request[:2], self.correlation_id, request[2]))
        return self.correlation_id

    def receive(self, correlation_id):
        """A Reader over the body of the answer to `correlation_id`."""
        size = struct.unpack(">i", read_exact(self.sock, 4))[0]
        reader = Reader(read_exact(self.sock, size))
        got = reader.take(">i")
        assert got == correlation_id, "correlation id %d, expected %d" % (got, correlation_id)
        return reader

    def call(self, request):
        return self.receive(self.send(request))

    def hold(self, request):
        """Sends all of `request` but its last byte: the broker cannot read it yet."""
        assert self.held is None
        self.correlation_id += 1
        data = frame(*request[:2], self.correlation_id, request[2])
        self.sock.sendall(data[:-1])
        self.held = (self.correlation_id, data[-1:])
        return self.correlation_id

    def release(self, hang_up=False):
        """Sends the held last byte; with `hang_up`, closes the sending side right after it,
        as a client that gave up on the request does. Returns the held correlation id."""
        correlation_id, last = self.held
        self.held = None
        self.sock.sendall(last)
        if hang_up:
            self.sock.shutdown(socket.SHUT_WR)
        return correlation_id

    def wait_closed(self, timeout=10.0):
        """True when the broker closes the connection without answering anything."""
        self.sock.settimeout(timeout)
        return self.sock.recv(1) == b""


# Requests: (api_key, version, body), and the readers of their answers.

def init_producer_id(transactional_id, timeout_ms=60000):
    return 22, 1, string(transactional_id) + struct.pack(">i", timeout_ms)


def init_producer_id_answer(r):
    """(error_code, producer_id, producer_epoch)."""
    r.take(">i")
    return r.take(">hqh")


def add_partitions(transactional_id, producer_id, epoch, partitions):
    """AddPartitionsToTxn v1 of `partitions`, [(topic, index)]."""
    by_topic = {}
    for topic, index in partitions:
        by_topic.setdefault(topic, []).append(index)
    topics = b"".join(string(t) + struct.pack(">i", len(ps)) + b"".join(struct.pack(">i", p)
                                                                        for p in ps)
                      for t, ps in by_topic.items())
    return 24, 1, (string(transactional_id) + struct.pack(">qhi", producer_id, epoch,
                                                          len(by_topic)) + topics)


def add_partitions_answer(r):
    """The set of error codes of every partition."""
    r.take(">i")
    codes = set()
    for _ in range(r.take(">i")):
        r.string()
        for _ in range(r.take(">i")):
            codes.add(r.take(">ih")[1])
    return codes


def end_txn(transactional_id, producer_id, epoch, commit):
    return 26, 1, string(transactional_id) + struct.pack(">qh?", producer_id, epoch, commit)


def end_txn_answer(r):
    r.take(">i")
    return r.take(">h")


def transactional_batch(values, producer_id, epoch, base_sequence):
    """A RecordBatch of `values` with the transactional attribute set."""
    batch = bytearray(record_batch(values, producer_id, epoch, base_sequence))
    # The attributes (int16 at 21) are under the CRC (at 17), which covers 21 to the end.
    struct.pack_into(">h", batch, 21, TRANSACTIONAL)
    struct.pack_into(">I", batch, 17, crc32c(bytes(batch[21:])))
    return bytes(batch)


def produce(transactional_id, topic, partition, batch):
    """Produce v3, acks=all, of one batch to one partition."""
    return 0, 3, (string(transactional_id) + struct.pack(">hi", -1, 10000) +
                  struct.pack(">i", 1) + string(topic) + struct.pack(">ii", 1, partition) +
                  struct.pack(">i", len(batch)) + batch)


def produce_answer(r):
    """(error_code, base_offset) of the one partition."""
    assert r.take(">i") == 1
    r.string()
    assert r.take(">i") == 1
    _index, error, base_offset = r.take(">ihq")
    return error, base_offset


def describe_transaction(transactional_id):
    return 65, 0, carray([cstring(transactional_id)]) + NO_TAGS


def describe_transaction_answer(r):
    """(error_code, state, {(topic, partition)}); the request header of this flexible API
    is v2, so this reader starts at the response header's tags."""
    r.tags()
    r.take(">i")

    def topic(r):
        name = r.cstring()
        indexes = r.carray(lambda r: r.take(">i"))
        r.tags()
        return [(name, i) for i in indexes]

    def state(r):
        error, _id, name = r.take(">h"), r.cstring(), r.cstring()
        r.take(">iqqh")
        partitions = {p for ps in r.carray(topic) for p in ps}
        r.tags()
        return error, name, partitions

    return r.carray(state)[0]


class Admin(Connection):
    """A connection for DescribeTransactions, whose header is v2 (flexible)."""

    def describe(self, transactional_id):
        api_key, version, body = describe_transaction(transactional_id)
        self.correlation_id += 1
        header = (struct.pack(">hhi", api_key, version, self.correlation_id) +
                  string("txn-frames") + NO_TAGS)
        self.sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
        return describe_transaction_answer(self.receive(self.correlation_id))


def create_topic(port, topic, partitions):
    body = (struct.pack(">i", 1) + string(topic) + struct.pack(">ih", partitions, 1) +
            struct.pack(">ii", 0, 0) + struct.pack(">i?", 10000, False))
    conn = Connection(port)
    try:
        r = conn.call((19, 2, body))
    finally:
        conn.close()
    r.take(">i")
    assert r.take(">i") == 1
    r.string()
    error = r.take(">h")
    assert error == NONE, "CreateTopics %s: error %d" % (topic, error)


# The read_committed view.

def _fetch(conn, topic, partition, offset, isolation):
    """Fetch v11 of one partition: (high_watermark, last_stable_offset, aborted
    [(producer_id, first_offset)], records bytes)."""
    partitions = struct.pack(">i", 1) + struct.pack(">iiqqi", partition, -1, offset, -1, 1 << 20)
    body = (struct.pack(">iiiibii", -1, 0, 0, 1 << 20, isolation, 0, -1) +
            struct.pack(">i", 1) + string(topic) + partitions + struct.pack(">i", 0) +
            string(""))
    r = conn.call((1, 11, body))
    r.take(">i")
    assert r.take(">h") == NONE
    r.take(">i")
    assert r.take(">i") == 1
    r.string()
    assert r.take(">i") == 1
    _index, error, high_watermark, lso, _start = r.take(">ihqqq")
    assert error == NONE, "fetch %s-%d: error %d" % (topic, partition, error)
    n = r.take(">i")
    aborted = [r.take(">qq") for _ in range(max(n, 0))]
    r.take(">i")
    size = r.take(">i")
    return high_watermark, lso, aborted, r.bytes(max(size, 0))


def _batches(data):
    """(base_offset, last_offset, attributes, producer_id, values or control type) of each
    whole uncompressed batch in `data`."""
    pos = 0
    while pos + 61 <= len(data):
        base_offset, length = struct.unpack_from(">qi", data, pos)
        end = pos + 12 + length
        if end > len(data):
            return
        attributes, last_delta = struct.unpack_from(">hi", data, pos + 21)
        producer_id = struct.unpack_from(">q", data, pos + 43)[0]
        count = struct.unpack_from(">i", data, pos + 57)[0]
        r = Reader(data[pos + 61:end])
        values = []
        for _ in range(count):
            r.uvarint()  # length (zigzag, small and positive here)
            r.take(">b")
            r.uvarint()
            r.uvarint()
            key_length = _zigzag(r.uvarint())
            key = r.bytes(key_length) if key_length >= 0 else None
            value_length = _zigzag(r.uvarint())
            value = r.bytes(value_length) if value_length >= 0 else None
            r.uvarint()  # headers: none in these tests
            values.append(key if attributes & CONTROL else value)
        yield base_offset, base_offset + last_delta, attributes, producer_id, values
        pos = end


def _zigzag(n):
    return (n >> 1) ^ -(n & 1)


def read_committed(port, topic, partition, timeout=10.0):
    """What a read_committed consumer of one partition reads: (values, last_stable_offset,
    high_watermark), fetching up to the last stable offset as Kafka's consumer does and
    dropping the records of aborted transactions."""
    conn = Connection(port)
    try:
        deadline = time.time() + timeout
        values, offset, aborted, open_aborts = [], 0, [], set()
        while True:
            assert time.time() < deadline, "reading %s-%d took too long" % (topic, partition)
            high_watermark, lso, more, data = _fetch(conn, topic, partition, offset, 1)
            aborted = sorted(set(aborted) | set(more), key=lambda a: a[1])
            progressed = False
            for base, last, attributes, producer_id, batch_values in _batches(data):
                if base < offset:
                    continue
                while aborted and aborted[0][1] <= last:
                    open_aborts.add(aborted.pop(0)[0])
                if attributes & CONTROL:
                    # The control key's type: 0 abort, 1 commit.
                    if struct.unpack_from(">h", batch_values[0], 2)[0] == 0:
                        open_aborts.discard(producer_id)
                elif not (attributes & TRANSACTIONAL and producer_id in open_aborts):
                    values.extend(v.decode() for v in batch_values)
                offset, progressed = last + 1, True
            if not progressed:
                return values, lso, high_watermark
    finally:
        conn.close()
