"""AlterPartitionReassignments (API 45) and ListPartitionReassignments (API 46), version 0,
by hand on the wire (cluster_wire's Connection), as kafka-reassign-partitions sends them:
the nemesis moves replicas onto a new broker with them."""

import struct

from cluster_wire import Connection
from kafka_wire import NO_TAGS, carray, cstring

ALTER_PARTITION_REASSIGNMENTS = 45
LIST_PARTITION_REASSIGNMENTS = 46
API_VERSIONS = 18


def supports_reassignment(port):
    """True when the broker on `port` lists APIs 45 and 46 in its ApiVersions (v0)."""
    with Connection(port) as conn:
        r = conn.call(API_VERSIONS, 0, b"")
    if r.take(">h") != 0:
        return False
    keys = {r.take(">hhh")[0] for _ in range(r.take(">i"))}
    return {ALTER_PARTITION_REASSIGNMENTS, LIST_PARTITION_REASSIGNMENTS} <= keys


def _int32s(values):
    return carray(None if values is None else [struct.pack(">i", v) for v in values])


def alter_reassignments(port, topic, targets, timeout_ms=30000):
    """Asks the broker on `port` to move each partition of `topic` in `targets` ({partition:
    replicas, or None to cancel}): (error_code, error_message, {partition: (error_code,
    error_message)})."""
    partitions = [struct.pack(">i", p) + _int32s(replicas) + NO_TAGS
                  for p, replicas in sorted(targets.items())]
    body = (struct.pack(">i", timeout_ms) + carray([cstring(topic) + carray(partitions) +
                                                    NO_TAGS]) + NO_TAGS)
    with Connection(port, timeout=timeout_ms / 1000 + 15) as conn:
        r = conn.call(ALTER_PARTITION_REASSIGNMENTS, 0, body, flexible=True)
    r.take(">i")  # throttle
    error, message = r.take(">h"), r.cstring()

    def partition(r):
        index, code, text = r.take(">i"), r.take(">h"), r.cstring()
        r.tags()
        return index, (code, text)

    answers = {}
    for _ in range(r.uvarint() - 1):
        r.cstring()
        answers.update(r.carray(partition) or [])
        r.tags()
    return error, message, answers


def list_reassignments(port, timeout_ms=30000):
    """Every ongoing reassignment the broker on `port` knows of: (error_code, {(topic,
    partition): (replicas, adding, removing)})."""
    body = struct.pack(">i", timeout_ms) + carray(None) + NO_TAGS
    with Connection(port, timeout=timeout_ms / 1000 + 15) as conn:
        r = conn.call(LIST_PARTITION_REASSIGNMENTS, 0, body, flexible=True)
    r.take(">i")  # throttle
    error, _message = r.take(">h"), r.cstring()

    def ints(r):
        return r.carray(lambda r: r.take(">i")) or []

    ongoing = {}
    for _ in range(max(r.uvarint() - 1, 0)):
        name = r.cstring()
        for _ in range(max(r.uvarint() - 1, 0)):
            index = r.take(">i")
            ongoing[(name, index)] = (ints(r), ints(r), ints(r))
            r.tags()
        r.tags()
    return error, ongoing
