#!/usr/bin/python3
"""Captures the request frames a real Kafka client sends, for the codec's golden tests.

Listens on 127.0.0.1:PORT and plays a minimal single-broker cluster (node 1 at that
address, every topic with one partition led by node 1) just far enough for a client to go
on: it answers ApiVersions, Metadata, ListOffsets and Produce, and leaves every other
request unanswered. Each request frame (the bytes after the 4-byte size prefix: header and
body) is written to OUT_DIR/<prefix>_<api>_v<version>.bin; only the first frame of each
(api, version) is kept. Stops after --seconds.

Example:
  /usr/bin/python3 capture.py --port 19092 --prefix librdkafka --seconds 8 &
  kcat -b 127.0.0.1:19092 -L
"""

import argparse
import os
import socket
import struct
import threading
import time

API_NAMES = {0: "produce", 1: "fetch", 2: "list_offsets", 3: "metadata", 8: "offset_commit",
             9: "offset_fetch", 10: "find_coordinator", 11: "join_group", 12: "heartbeat",
             13: "leave_group", 14: "sync_group", 15: "describe_groups", 16: "list_groups",
             17: "sasl_handshake", 18: "api_versions", 19: "create_topics",
             20: "delete_topics", 21: "delete_records", 22: "init_producer_id",
             32: "describe_configs", 33: "alter_configs", 37: "create_partitions",
             42: "delete_groups"}

# The "recommended" broker profile of the reference pack: min 0, these maxima.
ADVERTISED = [(0, 7), (1, 11), (2, 3), (3, 6), (8, 7), (9, 5), (10, 2), (11, 5), (12, 3),
              (13, 3), (14, 3), (15, 4), (16, 2), (17, 1), (18, 3), (19, 4), (20, 3), (21, 1),
              (22, 1), (32, 2), (33, 1), (36, 1), (37, 1), (42, 1)]


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        out = self.data[self.pos:self.pos + n]
        if len(out) != n:
            raise ValueError("truncated")
        self.pos += n
        return out

    def i8(self): return struct.unpack(">b", self.take(1))[0]
    def i16(self): return struct.unpack(">h", self.take(2))[0]
    def i32(self): return struct.unpack(">i", self.take(4))[0]
    def i64(self): return struct.unpack(">q", self.take(8))[0]

    def string(self):
        n = self.i16()
        return None if n < 0 else self.take(n).decode()

    def uvarint(self):
        shift, value = 0, 0
        while True:
            b = self.take(1)[0]
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7


def i8(v): return struct.pack(">b", v)
def i16(v): return struct.pack(">h", v)
def i32(v): return struct.pack(">i", v)
def i64(v): return struct.pack(">q", v)
def string(s): return i16(-1) if s is None else i16(len(s)) + s.encode()


def array(items): return i32(len(items)) + b"".join(items)


def uvarint(v):
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])


def api_versions_body(version):
    if version > 3:  # the v0 layout with UNSUPPORTED_VERSION and our own range
        return i16(35) + array([i16(18) + i16(0) + i16(3)])
    if version == 3:
        entries = b"".join(i16(k) + i16(0) + i16(m) + b"\0" for k, m in ADVERTISED)
        return i16(0) + uvarint(len(ADVERTISED) + 1) + entries + i32(0) + b"\0"
    body = i16(0) + array([i16(k) + i16(0) + i16(m) for k, m in ADVERTISED])
    return body + (i32(0) if version >= 1 else b"")


def metadata_body(version, body, port):
    r = Reader(body)
    count = r.i32()
    topics = [r.string() for _ in range(max(count, 0))]
    if count < 0 or (version == 0 and count == 0):
        topics = ["golden"]
    broker = i32(1) + string("127.0.0.1") + i32(port) + (string(None) if version >= 1 else b"")
    out = i32(0) if version >= 3 else b""
    out += array([broker])
    if version >= 2:
        out += string("ringlog-golden")
    if version >= 1:
        out += i32(1)
    topic_entries = []
    for name in topics:
        part = i16(0) + i32(0) + i32(1)
        if version >= 7:
            part += i32(0)
        part += array([i32(1)]) + array([i32(1)])
        if version >= 5:
            part += array([])
        entry = i16(0) + string(name) + (i8(0) if version >= 1 else b"") + array([part])
        if version >= 8:
            entry += i32(-2**31)
        topic_entries.append(entry)
    out += array(topic_entries)
    if version >= 8:
        out += i32(-2**31)
    return out


def topic_partitions(r, per_partition):
    """Reads [name, [partition...]] lists, calling per_partition(reader) for each."""
    out = []
    for _ in range(r.i32()):
        name = r.string()
        parts = []
        for _ in range(r.i32()):
            parts.append(per_partition(r))
        out.append((name, parts))
    return out


def list_offsets_body(version, body):
    r = Reader(body)
    r.i32()
    if version >= 2:
        r.i8()

    def partition(pr):
        index = pr.i32()
        pr.i64()
        if version == 0:
            pr.i32()
        return index

    out = i32(0) if version >= 2 else b""
    topics = []
    for name, parts in topic_partitions(r, partition):
        entries = []
        for index in parts:
            if version == 0:
                entries.append(i32(index) + i16(0) + array([i64(0)]))
            else:
                entries.append(i32(index) + i16(0) + i64(-1) + i64(0))
        topics.append(string(name) + array(entries))
    return out + array(topics)


def produce_body(version, body):
    """The response body, or None for acks=0 (no response at all)."""
    r = Reader(body)
    if version >= 3:
        r.string()
    acks = r.i16()
    r.i32()

    def partition(pr):
        index = pr.i32()
        n = pr.i32()
        if n > 0:
            pr.take(n)
        return index

    topics = []
    for name, parts in topic_partitions(r, partition):
        entries = []
        for index in parts:
            entry = i32(index) + i16(0) + i64(0)
            if version >= 2:
                entry += i64(-1)
            if version >= 5:
                entry += i64(0)
            entries.append(entry)
        topics.append(string(name) + array(entries))
    if acks == 0:
        return None
    return array(topics) + (i32(0) if version >= 1 else b"")


def answer(api_key, version, body, port):
    if api_key == 18:
        return api_versions_body(version)
    if api_key == 3 and version <= 8:
        return metadata_body(version, body, port)
    if api_key == 2 and version <= 5:
        return list_offsets_body(version, body)
    if api_key == 0 and version <= 8:
        return produce_body(version, body)
    return None


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def serve(conn, args, lock):
    with conn:
        while True:
            size = read_exact(conn, 4)
            if size is None:
                return
            frame = read_exact(conn, struct.unpack(">i", size)[0])
            if frame is None:
                return
            r = Reader(frame)
            api_key, version, correlation_id = r.i16(), r.i16(), r.i32()
            r.string()  # client id
            flexible = api_key == 18 and version >= 3
            if flexible:
                for _ in range(r.uvarint()):
                    r.uvarint()
                    r.take(r.uvarint())
            name = API_NAMES.get(api_key, "key%d" % api_key)
            path = os.path.join(args.out, "%s_%s_v%d.bin" % (args.prefix, name, version))
            with lock:
                if not os.path.exists(path):
                    with open(path, "wb") as f:
                        f.write(frame)
                    print("captured", path, len(frame), "bytes", flush=True)
            body = answer(api_key, version, frame[r.pos:], args.port)
            if body is not None:
                # Response header v0 (correlation id only): no answered version is flexible
                # except ApiVersions v3, whose response header is always v0.
                payload = i32(correlation_id) + body
                conn.sendall(i32(len(payload)) + payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--prefix", required=True, help="client name, e.g. librdkafka")
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(8)
    listener.settimeout(0.2)
    lock = threading.Lock()
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, args, lock), daemon=True).start()
    listener.close()


if __name__ == "__main__":
    main()
