"""The few Kafka requests the cluster tests send by hand to one chosen broker, so that
they see exactly what that broker answers (a client library would follow the leader or
the coordinator instead): Metadata v10 (leaders, leader epochs, controller, cluster and
topic ids), DescribeCluster, FindCoordinator, Produce, ListOffsets, CreateTopics,
OffsetCommit, OffsetFetch, Heartbeat, AlterPartitionReassignments, ListPartitionReassignments, and Fetch v12 as a consumer or as a replica (to read a replica's bytes). Built on
kafka_wire's primitives; every call is bounded in time."""

import base64
import socket
import struct
import time

from kafka_wire import NO_TAGS, Reader, carray, cstring, read_exact, record_batch, string

NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
NOT_LEADER_OR_FOLLOWER = 6
REQUEST_TIMED_OUT = 7
COORDINATOR_NOT_AVAILABLE = 15
NOT_COORDINATOR = 16
TOPIC_ALREADY_EXISTS = 36
NOT_ENOUGH_REPLICAS = 19
NOT_CONTROLLER = 41
INVALID_REPLICA_ASSIGNMENT = 39
NO_REASSIGNMENT_IN_PROGRESS = 85


def topic_id_text(uuid_bytes):
    """A topic id as Kafka prints it and keeps it in ZooKeeper: URL-safe base64, no padding."""
    return base64.urlsafe_b64encode(uuid_bytes).decode().rstrip("=")


def java_string_hash(text):
    """Java's String.hashCode (UTF-16 code units, 32-bit wrap-around), as Kafka hashes a
    group id to its __consumer_offsets partition."""
    h = 0
    units = text.encode("utf-16-be")
    for i in range(0, len(units), 2):
        h = (31 * h + int.from_bytes(units[i:i + 2], "big")) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def offsets_partition(group, partitions):
    """Kafka's partition of `group` in __consumer_offsets: abs(hashCode) mod partitions, with
    Kafka's Utils.abs (the absolute value, 0 for the smallest int)."""
    h = java_string_hash(group)
    return (0 if h == -(1 << 31) else abs(h)) % partitions


class Connection:
    """One TCP connection to one broker; requests and answers in order."""

    def __init__(self, port, timeout=15.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.correlation_id = 0

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def send(self, api_key, version, body, flexible=False):
        """Sends one request; returns its correlation id (receive() reads the answer)."""
        self.correlation_id += 1
        header = struct.pack(">hhi", api_key, version, self.correlation_id) + string("it")
        header += NO_TAGS if flexible else b""
        self.sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
        return self.correlation_id

    def receive(self, correlation_id, flexible=False):
        """A Reader over the body of the answer to `correlation_id`."""
        size = struct.unpack(">i", read_exact(self.sock, 4))[0]
        reader = Reader(read_exact(self.sock, size))
        got = reader.take(">i")
        if got != correlation_id:
            raise AssertionError("correlation id %d, expected %d" % (got, correlation_id))
        if flexible:
            reader.tags()
        return reader

    def call(self, api_key, version, body, flexible=False):
        return self.receive(self.send(api_key, version, body, flexible), flexible)


def _int32s(r):
    return r.carray(lambda r: r.take(">i"))


def metadata(port, topics=None, auto_create=False):
    """Metadata v10 from the broker on `port`: a dict with brokers {id: (host, port)},
    cluster_id, controller_id and topics {name: {"error", "topic_id", "partitions":
    {index: {"error", "leader", "leader_epoch", "replicas", "isr", "offline"}}}}. `topics` None:
    every topic."""
    names = None if topics is None else [b"\x00" * 16 + cstring(t) + NO_TAGS for t in topics]
    body = carray(names) + struct.pack(">???", auto_create, False, False) + NO_TAGS
    with Connection(port) as conn:
        r = conn.call(3, 10, body, flexible=True)
    r.take(">i")  # throttle

    def broker(r):
        node, host, port_, _rack = r.take(">i"), r.cstring(), r.take(">i"), r.cstring()
        r.tags()
        return node, (host, port_)

    def partition(r):
        error, index, leader, epoch = r.take(">hiii")
        replicas, isr, offline = _int32s(r), _int32s(r), _int32s(r)
        r.tags()
        return index, dict(error=error, leader=leader, leader_epoch=epoch, replicas=replicas,
                           isr=isr, offline=offline)

    def topic(r):
        error, name, tid, _internal = r.take(">h"), r.cstring(), r.uuid(), r.take(">?")
        partitions = dict(r.carray(partition) or [])
        r.take(">i")  # authorized operations
        r.tags()
        return name, dict(error=error, topic_id=topic_id_text(tid), partitions=partitions)

    brokers = dict(r.carray(broker) or [])
    cluster_id, controller_id = r.cstring(), r.take(">i")
    return dict(brokers=brokers, cluster_id=cluster_id, controller_id=controller_id,
                topics=dict(r.carray(topic) or []))


def describe_cluster(port):
    """DescribeCluster v0 (API 60): (error_code, cluster_id, controller_id,
    {broker id: (host, port)})."""
    with Connection(port) as conn:
        r = conn.call(60, 0, struct.pack(">?", False) + NO_TAGS, flexible=True)
    r.take(">i")
    error, _message, cluster_id, controller = r.take(">h"), r.cstring(), r.cstring(), r.take(">i")

    def broker(r):
        node, host, port_, _rack = r.take(">i"), r.cstring(), r.take(">i"), r.cstring()
        r.tags()
        return node, (host, port_)

    return error, cluster_id, controller, dict(r.carray(broker) or [])


def alter_partition_reassignments(port, moves, timeout_ms=10000):
    """AlterPartitionReassignments v0 (API 45): `moves` {(topic, partition): replicas, or None
    to cancel}. Returns (error_code, error_message, {(topic, partition): (error_code,
    error_message)})."""
    by_topic = {}
    for (topic, partition), replicas in sorted(moves.items()):
        by_topic.setdefault(topic, []).append((partition, replicas))
    topics = []
    for topic, partitions in by_topic.items():
        items = [struct.pack(">i", p) +
                 carray(None if r is None else [struct.pack(">i", b) for b in r]) + NO_TAGS
                 for p, r in partitions]
        topics.append(cstring(topic) + carray(items) + NO_TAGS)
    with Connection(port) as conn:
        r = conn.call(45, 0, struct.pack(">i", timeout_ms) + carray(topics) + NO_TAGS,
                      flexible=True)
    r.take(">i")  # throttle
    error, message = r.take(">h"), r.cstring()

    def partition(r):
        index, code, text = r.take(">i"), r.take(">h"), r.cstring()
        r.tags()
        return index, (code, text)

    def topic(r):
        name = r.cstring()
        partitions = r.carray(partition) or []
        r.tags()
        return [((name, index), answer) for index, answer in partitions]

    results = {}
    for answers in r.carray(topic) or []:
        results.update(answers)
    return error, message, results


def list_partition_reassignments(port, partitions=None, timeout_ms=10000):
    """ListPartitionReassignments v0 (API 46) of `partitions` {topic: [indexes]} (None:
    all). Returns (error_code, error_message, {(topic, partition): {"replicas", "adding",
    "removing"}})."""
    topics = None
    if partitions is not None:
        topics = [cstring(t) + carray([struct.pack(">i", p) for p in ps]) + NO_TAGS
                  for t, ps in sorted(partitions.items())]
    with Connection(port) as conn:
        r = conn.call(46, 0, struct.pack(">i", timeout_ms) + carray(topics) + NO_TAGS,
                      flexible=True)
    r.take(">i")  # throttle
    error, message = r.take(">h"), r.cstring()

    def partition(r):
        index = r.take(">i")
        replicas, adding, removing = _int32s(r), _int32s(r), _int32s(r)
        r.tags()
        return index, dict(replicas=replicas, adding=adding, removing=removing)

    def topic(r):
        name = r.cstring()
        moves = r.carray(partition) or []
        r.tags()
        return [((name, index), move) for index, move in moves]

    ongoing = {}
    for moves in r.carray(topic) or []:
        ongoing.update(moves)
    return error, message, ongoing


def find_coordinator(port, group):
    """FindCoordinator v1 for a group: (error_code, node_id, host, port)."""
    with Connection(port) as conn:
        r = conn.call(10, 1, string(group) + struct.pack(">b", 0))
    r.take(">i")
    error, _message = r.take(">h"), r.string()
    return error, r.take(">i"), r.string(), r.take(">i")


def produce(port, topic, partition, values, acks=-1):
    """Produce v3 of one uncompressed batch of `values`: (error_code, base_offset)."""
    batch = record_batch(values)
    body = (string(None) + struct.pack(">hi", acks, 10000) + struct.pack(">i", 1) +
            string(topic) + struct.pack(">ii", 1, partition) + struct.pack(">i", len(batch)) +
            batch)
    with Connection(port) as conn:
        r = conn.call(0, 3, body)
    assert r.take(">i") == 1 and r.string() == topic and r.take(">i") == 1
    index, error, base_offset, _append_time = r.take(">ihqq")
    assert index == partition
    return error, base_offset


def list_offsets(port, topic, partition, timestamp=-1):
    """ListOffsets v1 (-1: the end, -2: the start): (error_code, offset)."""
    body = (struct.pack(">i", -1) + struct.pack(">i", 1) + string(topic) +
            struct.pack(">iiq", 1, partition, timestamp))
    with Connection(port) as conn:
        r = conn.call(2, 1, body)
    assert r.take(">i") == 1 and r.string() == topic and r.take(">i") == 1
    index, error, _ts, offset = r.take(">ihqq")
    assert index == partition
    return error, offset


def create_topics_request(topic, partitions, replication_factor=1, timeout_ms=10000):
    """The body of a CreateTopics v2 request for one topic (send it with api key 19)."""
    return (struct.pack(">i", 1) + string(topic) + struct.pack(">ih", partitions,
                                                                replication_factor) +
            struct.pack(">ii", 0, 0) + struct.pack(">i?", timeout_ms, False))


def create_topics_answer(reader):
    """(error_code, error_message) of a CreateTopics v2 answer for one topic."""
    reader.take(">i")
    assert reader.take(">i") == 1
    reader.string()
    return reader.take(">h"), reader.string()


def offset_commit_request(group, topic, partition, offset):
    """The body of an OffsetCommit v2 request (send it with api key 8) of `offset` for one
    partition, outside any generation: a standalone commit, as a consumer with assigned
    partitions makes."""
    partitions = struct.pack(">i", 1) + struct.pack(">iq", partition, offset) + string("")
    topics = struct.pack(">i", 1) + string(topic) + partitions
    return string(group) + struct.pack(">i", -1) + string("") + struct.pack(">q", -1) + topics


def offset_commit_answer(reader):
    """The error code of the one partition of an OffsetCommit v2 answer."""
    assert reader.take(">i") == 1
    reader.string()
    assert reader.take(">i") == 1
    reader.take(">i")
    return reader.take(">h")


def offset_fetch(port, group, topic, partition):
    """OffsetFetch v1 of one partition for `group`: (error_code, committed offset)."""
    body = string(group) + struct.pack(">i", 1) + string(topic) + struct.pack(">ii", 1, partition)
    with Connection(port) as conn:
        r = conn.call(9, 1, body)
    assert r.take(">i") == 1 and r.string() == topic and r.take(">i") == 1
    assert r.take(">i") == partition
    offset = r.take(">q")
    r.string()  # metadata
    return r.take(">h"), offset


def heartbeat(port, group, generation=1, member="m"):
    """Heartbeat v0 for a group: the error code."""
    with Connection(port) as conn:
        r = conn.call(12, 0, string(group) + struct.pack(">i", generation) + string(member))
    return r.take(">h")


def fetch(port, topic, partition, offset, replica_id=-1, current_leader_epoch=-1,
          last_fetched_epoch=-1, max_bytes=8 << 20, max_wait_ms=0, min_bytes=0):
    """Fetch v12 of one partition from `offset`, as a consumer (replica_id -1: up to the high
    watermark) or as replica `replica_id` (up to the log end): a dict with error,
    high_watermark, log_start_offset, records (bytes; may end in a partial batch),
    diverging_epoch (epoch, end_offset) and current_leader (id, epoch)."""
    partitions = carray([struct.pack(">iiqiqi", partition, current_leader_epoch, offset,
                                     last_fetched_epoch, -1, max_bytes) + NO_TAGS])
    body = (struct.pack(">iiiibii", replica_id, max_wait_ms, min_bytes, max_bytes, 0, 0, -1) +
            carray([cstring(topic) + partitions + NO_TAGS]) + carray([]) + cstring("") +
            NO_TAGS)
    with Connection(port, timeout=max_wait_ms / 1000 + 15) as conn:
        r = conn.call(1, 12, body, flexible=True)
    r.take(">i")  # throttle
    error = r.take(">h")
    r.take(">i")  # session id
    topics = r.carray(lambda r: (r.cstring(), r.carray(_fetched_partition), r.tags()))
    if error != NONE:
        return dict(error=error, high_watermark=-1, log_start_offset=-1, records=b"",
                    diverging_epoch=(-1, -1), current_leader=(-1, -1))
    assert len(topics) == 1 and topics[0][0] == topic and len(topics[0][1]) == 1, topics
    return topics[0][1][0]


def _fetched_partition(r):
    index, error, high_watermark, _lso, log_start = r.take(">ihqqq")

    def aborted(r):
        r.take(">qq")
        r.tags()

    r.carray(aborted)
    r.take(">i")  # preferred read replica
    size = r.uvarint()
    records = r.bytes(size - 1) if size else b""
    answer = dict(error=error, high_watermark=high_watermark, log_start_offset=log_start,
                  records=records, diverging_epoch=(-1, -1), current_leader=(-1, -1))
    tags = r.tags()
    if 0 in tags:
        answer["diverging_epoch"] = struct.unpack_from(">iq", tags[0])
    if 1 in tags:
        answer["current_leader"] = struct.unpack_from(">ii", tags[1])
    return answer


def whole_batches(data):
    """The whole record batches at the start of `data` (a fetch may end in a partial one):
    (their bytes, the offset after the last one; None when there is none)."""
    pos, next_offset = 0, None
    while pos + 12 <= len(data):
        base_offset, length = struct.unpack_from(">qi", data, pos)
        if pos + 12 + length > len(data):
            break
        last_delta = struct.unpack_from(">i", data, pos + 23)[0]
        next_offset = base_offset + last_delta + 1
        pos += 12 + length
    return data[:pos], next_offset


def read_log(port, topic, partition, replica_id=-1, timeout=30.0):
    """Every record batch of one partition from offset 0, concatenated as stored, through
    Fetch v12 requests to the broker on `port` (which must lead the partition): as a
    consumer up to the high watermark, or as replica `replica_id` up to the log end."""
    deadline = time.time() + timeout
    data, offset = b"", 0
    while time.time() < deadline:
        answer = fetch(port, topic, partition, offset, replica_id=replica_id)
        if answer["error"] != NONE:
            raise AssertionError("fetch %s-%d at %d from port %d as replica %d: error %d" %
                                 (topic, partition, offset, port, replica_id, answer["error"]))
        batches, next_offset = whole_batches(answer["records"])
        if next_offset is None:
            return data
        data += batches
        offset = next_offset
    raise AssertionError("reading %s-%d from port %d took over %.0fs" % (topic, partition, port,
                                                                         timeout))
