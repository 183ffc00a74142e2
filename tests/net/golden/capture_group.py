#!/usr/bin/python3
"""Captures the consumer-group requests that real Kafka clients send, as golden files.

Runs a minimal fake broker on 127.0.0.1 (one node, one topic with two partitions, one
record in partition 0) that answers just enough for a consumer to find its coordinator,
join, sync, heartbeat, fetch, commit and leave, then drives it with:
  * kafka-python's KafkaConsumer(group_id=...) and KafkaAdminClient (list, describe and
    delete groups), and
  * kcat -G (librdkafka's balanced consumer), when kcat is installed.

The first request frame seen for each (client, API, version) of the group APIs (the last
one for SyncGroup, see LAST_WINS) is written next to this script as group_<client>_<api>_v<version>.bin: the request header and body,
without the 4-byte size prefix. See README_group.md.

Usage: /usr/bin/python3 tests/net/golden/capture_group.py [--out DIR]
"""

import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

TOPIC = "golden-topic"
PARTITIONS = 2
RECORD_VALUE = b"golden"

# The versions this fake broker advertises: full group-API ranges (so librdkafka picks
# its maxima, including flexible OffsetFetch v7), data APIs kept at "0.11-like" maxima.
ADVERTISED = {
    0: (0, 3),    # Produce
    1: (0, 4),    # Fetch
    2: (0, 2),    # ListOffsets
    3: (0, 4),    # Metadata
    8: (0, 7),    # OffsetCommit
    9: (0, 7),    # OffsetFetch
    10: (0, 2),   # FindCoordinator
    11: (0, 5),   # JoinGroup
    12: (0, 3),   # Heartbeat
    13: (0, 3),   # LeaveGroup
    14: (0, 3),   # SyncGroup
    15: (0, 5),   # DescribeGroups
    16: (0, 4),   # ListGroups
    18: (0, 3),   # ApiVersions
    42: (0, 2),   # DeleteGroups
}
# First flexible version per API (request header v2 / response header v1 from there on).
FIRST_FLEXIBLE = {0: 9, 1: 12, 2: 6, 3: 9, 8: 8, 9: 6, 10: 3, 11: 6, 12: 4, 13: 4, 14: 4,
                  15: 5, 16: 3, 18: 3, 42: 2}
GROUP_APIS = {8: "offset_commit", 9: "offset_fetch", 10: "find_coordinator",
              11: "join_group", 12: "heartbeat", 13: "leave_group", 14: "sync_group",
              15: "describe_groups", 16: "list_groups", 42: "delete_groups"}
CLIENT_LABELS = {"golden-kafka-python": "kafka_python", "golden-kcat": "kcat"}
# APIs whose last frame is kept rather than the first: kafka-python's first SyncGroup runs
# before its leader has the topic's metadata and assigns nothing; the last one assigns both
# partitions.
LAST_WINS = {14}


# --- primitive encoding -------------------------------------------------------------------

class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def int8(self):
        return struct.unpack(">b", self.take(1))[0]

    def int16(self):
        return struct.unpack(">h", self.take(2))[0]

    def int32(self):
        return struct.unpack(">i", self.take(4))[0]

    def int64(self):
        return struct.unpack(">q", self.take(8))[0]

    def uvarint(self):
        shift = value = 0
        while True:
            b = self.take(1)[0]
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7

    def string(self, flexible=False):
        n = self.uvarint() - 1 if flexible else self.int16()
        return None if n < 0 else self.take(n).decode()

    def bytes_(self, flexible=False):
        n = self.uvarint() - 1 if flexible else self.int32()
        return None if n < 0 else self.take(n)

    def array_len(self, flexible=False):
        return self.uvarint() - 1 if flexible else self.int32()

    def tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.take(self.uvarint())


class Writer:
    def __init__(self, flexible=False):
        self.buf, self.flexible = bytearray(), flexible

    def int8(self, v):
        self.buf += struct.pack(">b", v)
        return self

    def int16(self, v):
        self.buf += struct.pack(">h", v)
        return self

    def int32(self, v):
        self.buf += struct.pack(">i", v)
        return self

    def int64(self, v):
        self.buf += struct.pack(">q", v)
        return self

    def uvarint(self, v):
        while v >= 0x80:
            self.buf.append((v & 0x7F) | 0x80)
            v >>= 7
        self.buf.append(v)
        return self

    def string(self, s):
        if s is None:
            return self.uvarint(0) if self.flexible else self.int16(-1)
        raw = s.encode()
        (self.uvarint(len(raw) + 1) if self.flexible else self.int16(len(raw)))
        self.buf += raw
        return self

    def bytes_(self, b):
        if b is None:
            return self.uvarint(0) if self.flexible else self.int32(-1)
        (self.uvarint(len(b) + 1) if self.flexible else self.int32(len(b)))
        self.buf += b
        return self

    def array_len(self, n):
        return self.uvarint(n + 1) if self.flexible else self.int32(n)

    def tags(self):
        if self.flexible:
            self.buf.append(0)
        return self


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def zigzag_varint(v):
    z = (v << 1) ^ (v >> 63)
    out = bytearray()
    while z >= 0x80:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


def record_batch():
    """One RecordBatch v2 at offset 0 holding a single record with RECORD_VALUE."""
    body = (b"\x00" + zigzag_varint(0) + zigzag_varint(0) + zigzag_varint(-1) +
            zigzag_varint(len(RECORD_VALUE)) + RECORD_VALUE + zigzag_varint(0))
    record = zigzag_varint(len(body)) + body
    now = int(time.time() * 1000)
    after_crc = (struct.pack(">hiqqqhii", 0, 0, now, now, -1, -1, -1, 1) + record)
    crc = crc32c(after_crc)
    after_length = struct.pack(">ibI", 0, 2, crc) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


# --- the fake broker ----------------------------------------------------------------------

class FakeBroker:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.captured = set()
        self.committed = {}  # (group, topic, partition) -> (offset, metadata)
        self.members = 0
        self.batch = record_batch()

    def serve_forever(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        try:
            while True:
                size = struct.unpack(">i", recv_exact(conn, 4))[0]
                frame = recv_exact(conn, size)
                response = self.handle(frame)
                conn.sendall(struct.pack(">i", len(response)) + response)
        except (ConnectionError, ValueError, OSError):
            conn.close()

    def handle(self, frame):
        r = Reader(frame)
        api, version, correlation = r.int16(), r.int16(), r.int32()
        client_id = r.string()
        flexible = version >= FIRST_FLEXIBLE.get(api, 99)
        if flexible:
            r.tags()
        self.capture(client_id, api, version, frame)
        # ApiVersions always answers with response header v0.
        header = Writer(flexible and api != 18).int32(correlation).tags()
        body = Writer(flexible)
        getattr(self, "on_%d" % api)(r, version, body)
        return bytes(header.buf + body.buf)

    def capture(self, client_id, api, version, frame):
        label = CLIENT_LABELS.get(client_id)
        if label is None or api not in GROUP_APIS:
            return
        name = "group_%s_%s_v%d.bin" % (label, GROUP_APIS[api], version)
        with self.lock:
            if name in self.captured and api not in LAST_WINS:
                return
            self.captured.add(name)
        with open(os.path.join(self.out_dir, name), "wb") as f:
            f.write(frame)

    # ApiVersions
    def on_18(self, r, v, w):
        w.int16(0).array_len(len(ADVERTISED))
        for key, (lo, hi) in sorted(ADVERTISED.items()):
            w.int16(key).int16(lo).int16(hi).tags()
        if v >= 1:
            w.int32(0)
        w.tags()

    # Metadata: this node and TOPIC, whatever was asked.
    def on_3(self, r, v, w):
        if v >= 3:
            w.int32(0)
        w.array_len(1).int32(0).string("127.0.0.1").int32(self.port)
        if v >= 1:
            w.string(None)
        if v >= 2:
            w.string("golden-cluster")
        if v >= 1:
            w.int32(0)
        w.array_len(1).int16(0).string(TOPIC)
        if v >= 1:
            w.int8(0)
        w.array_len(PARTITIONS)
        for p in range(PARTITIONS):
            w.int16(0).int32(p).int32(0).array_len(1).int32(0).array_len(1).int32(0)

    # FindCoordinator: this node.
    def on_10(self, r, v, w):
        if v >= 1:
            w.int32(0)
        w.int16(0)
        if v >= 1:
            w.string(None)
        w.int32(0).string("127.0.0.1").int32(self.port)

    # JoinGroup: every joiner leads a group of one and gets the first protocol it offered.
    def on_11(self, r, v, w):
        r.string()  # group id
        r.int32()   # session timeout
        if v >= 1:
            r.int32()
        member_id = r.string()
        instance_id = r.string() if v >= 5 else None
        r.string()  # protocol type
        protocols = [(r.string(), r.bytes_()) for _ in range(r.array_len())]
        if not member_id:
            with self.lock:
                self.members += 1
                member_id = "member-%d" % self.members
        if v >= 2:
            w.int32(0)
        w.int16(0).int32(1).string(protocols[0][0]).string(member_id).string(member_id)
        w.array_len(1).string(member_id)
        if v >= 5:
            w.string(instance_id)
        w.bytes_(protocols[0][1])

    # SyncGroup: echoes back the leader's assignment for itself.
    def on_14(self, r, v, w):
        r.string()
        r.int32()
        member_id = r.string()
        if v >= 3:
            r.string()
        assignments = {r.string(): r.bytes_() for _ in range(r.array_len())}
        if v >= 1:
            w.int32(0)
        w.int16(0).bytes_(assignments.get(member_id, b""))

    # Heartbeat
    def on_12(self, r, v, w):
        if v >= 1:
            w.int32(0)
        w.int16(0)

    # LeaveGroup
    def on_13(self, r, v, w):
        r.string()
        members = []
        if v >= 3:
            members = [(r.string(), r.string()) for _ in range(r.array_len())]
        if v >= 1:
            w.int32(0)
        w.int16(0)
        if v >= 3:
            w.array_len(len(members))
            for member_id, instance_id in members:
                w.string(member_id).string(instance_id).int16(0)

    # OffsetFetch: what was committed, else offset 0 (so no ListOffsets is needed).
    def on_9(self, r, v, w):
        flexible = w.flexible
        group = r.string(flexible)
        n = r.array_len(flexible)
        topics = []
        for _ in range(max(n, 0)):
            name = r.string(flexible)
            parts = [r.int32() for _ in range(r.array_len(flexible))]
            if flexible:
                r.tags()
            topics.append((name, parts))
        if n < 0:
            topics = [(TOPIC, list(range(PARTITIONS)))]
        if v >= 3:
            w.int32(0)
        w.array_len(len(topics))
        for name, parts in topics:
            w.string(name).array_len(len(parts))
            for p in parts:
                offset, metadata = self.committed.get((group, name, p), (0, ""))
                w.int32(p).int64(offset)
                if v >= 5:
                    w.int32(-1)
                w.string(metadata).int16(0).tags()
            w.tags()
        if v >= 2:
            w.int16(0)
        w.tags()

    # OffsetCommit: remembers the offsets.
    def on_8(self, r, v, w):
        group = r.string()
        if v >= 1:
            r.int32()
            r.string()
        if v >= 7:
            r.string()
        if 2 <= v <= 4:
            r.int64()
        topics = []
        for _ in range(r.array_len()):
            name = r.string()
            parts = []
            for _ in range(r.array_len()):
                p, offset = r.int32(), r.int64()
                if v >= 6:
                    r.int32()
                if v == 1:
                    r.int64()
                self.committed[(group, name, p)] = (offset, r.string())
                parts.append(p)
            topics.append((name, parts))
        if v >= 3:
            w.int32(0)
        w.array_len(len(topics))
        for name, parts in topics:
            w.string(name).array_len(len(parts))
            for p in parts:
                w.int32(p).int16(0)

    # Fetch v0-4: the record batch from offset 0 of partition 0, else nothing after a pause.
    def on_1(self, r, v, w):
        r.int32()
        max_wait = r.int32()
        r.int32()
        if v >= 3:
            r.int32()
        if v >= 4:
            r.int8()
        topics = []
        for _ in range(r.array_len()):
            name = r.string()
            parts = []
            for _ in range(r.array_len()):
                p, offset = r.int32(), r.int64()
                r.int32()
                parts.append((p, offset))
            topics.append((name, parts))
        served = any(p == 0 and off == 0 for _, ps in topics for p, off in ps)
        if not served:
            time.sleep(min(max_wait, 300) / 1000.0)
        if v >= 1:
            w.int32(0)
        w.array_len(len(topics))
        for name, parts in topics:
            w.string(name).array_len(len(parts))
            for p, offset in parts:
                hw = 1 if p == 0 else 0
                w.int32(p).int16(0).int64(hw)
                if v >= 4:
                    w.int64(hw).array_len(-1)
                w.bytes_(self.batch if p == 0 and offset == 0 else b"")

    # ListOffsets v0-2: earliest 0, latest the high watermark.
    def on_2(self, r, v, w):
        r.int32()
        if v >= 2:
            r.int8()
        topics = []
        for _ in range(r.array_len()):
            name = r.string()
            parts = []
            for _ in range(r.array_len()):
                p, ts = r.int32(), r.int64()
                if v == 0:
                    r.int32()
                parts.append((p, ts))
            topics.append((name, parts))
        if v >= 2:
            w.int32(0)
        w.array_len(len(topics))
        for name, parts in topics:
            w.string(name).array_len(len(parts))
            for p, ts in parts:
                offset = 0 if ts == -2 or p != 0 else 1
                w.int32(p).int16(0)
                if v == 0:
                    w.array_len(1).int64(offset)
                else:
                    w.int64(-1).int64(offset)

    # ListGroups
    def on_16(self, r, v, w):
        if v >= 1:
            w.int32(0)
        w.int16(0).array_len(1).string("golden-group").string("consumer")
        if v >= 4:
            w.string("Empty")
        w.tags().tags()

    # DescribeGroups: an empty group, so clients need not parse member metadata.
    def on_15(self, r, v, w):
        groups = [r.string(w.flexible) for _ in range(r.array_len(w.flexible))]
        if v >= 1:
            w.int32(0)
        w.array_len(len(groups))
        for g in groups:
            w.int16(0).string(g).string("Empty").string("consumer").string("")
            w.array_len(0)
            if v >= 3:
                w.int32(-2147483648)
            w.tags()
        w.tags()

    # DeleteGroups
    def on_42(self, r, v, w):
        groups = [r.string(w.flexible) for _ in range(r.array_len(w.flexible))]
        w.int32(0).array_len(len(groups))
        for g in groups:
            w.string(g).int16(0).tags()
        w.tags()


def recv_exact(conn, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return bytes(buf)


# --- the clients --------------------------------------------------------------------------

def run_kafka_python(port):
    from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    bootstrap = "127.0.0.1:%d" % port
    consumer = KafkaConsumer(TOPIC, bootstrap_servers=bootstrap, group_id="golden-group",
                             client_id="golden-kafka-python", enable_auto_commit=False,
                             session_timeout_ms=10000, heartbeat_interval_ms=100,
                             fetch_max_wait_ms=100)
    deadline = time.time() + 20
    records = 0
    while time.time() < deadline and records == 0:
        records += sum(len(v) for v in consumer.poll(timeout_ms=200).values())
    time.sleep(0.5)  # let a heartbeat or two go out
    consumer.commit({TopicPartition(TOPIC, 0): OffsetAndMetadata(1, "golden-meta")})
    consumer.close()
    print("kafka-python consumer got %d record(s)" % records)

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="golden-kafka-python")
    print("groups:", admin.list_consumer_groups())
    print("described:", admin.describe_consumer_groups(["golden-group"]))
    print("deleted:", admin.delete_consumer_groups(["golden-group"]))
    admin.close()


def run_kcat(port):
    kcat = shutil.which("kcat")
    if kcat is None:
        print("kcat not installed; skipping librdkafka capture")
        return
    cmd = [kcat, "-b", "127.0.0.1:%d" % port, "-G", "golden-group-kcat", "-e", "-q",
           "-X", "client.id=golden-kcat", "-X", "heartbeat.interval.ms=100",
           "-X", "session.timeout.ms=10000", "-X", "fetch.wait.max.ms=300", TOPIC]
    done = subprocess.run(cmd, capture_output=True, timeout=60)
    print("kcat exit %d, stdout %r" % (done.returncode, done.stdout))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    broker = FakeBroker(args.out)
    threading.Thread(target=broker.serve_forever, daemon=True).start()
    run_kafka_python(broker.port)
    run_kcat(broker.port)
    broker.sock.close()
    for name in sorted(broker.captured):
        print("wrote", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
