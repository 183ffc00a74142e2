"""Raw Kafka frames for thousands of partitions at once: CreateTopics v2, Produce v3 and
Fetch v4 (none flexible), each one request for every partition, so that 10,000 partitions
are created, written and read back in seconds. Used by test_many_partitions.py."""

import socket
import struct

from kafka_wire import Reader, read_exact, record_batch, string

CREATE_TOPICS, PRODUCE, FETCH = 19, 0, 1


class Client:
    """One connection to a broker; requests are sent and answered one at a time."""

    def __init__(self, port, timeout=60):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.correlation_id = 0

    def close(self):
        self.sock.close()

    def call(self, api_key, version, body):
        """Sends one request (header v1); returns a Reader over the response body."""
        self.correlation_id += 1
        header = struct.pack(">hhi", api_key, version, self.correlation_id) + string("many")
        self.sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
        size = struct.unpack(">i", read_exact(self.sock, 4))[0]
        reader = Reader(read_exact(self.sock, size))
        if reader.take(">i") != self.correlation_id:
            raise AssertionError("response to another request")
        return reader

    def create_topics(self, topics):
        """Creates {name: partition count} with replication factor 1; returns
        {name: (error code, error message)}."""
        body = struct.pack(">i", len(topics))
        for name, partitions in topics.items():
            body += string(name) + struct.pack(">ihii", partitions, 1, 0, 0)
        body += struct.pack(">ib", 120000, 0)
        r = self.call(CREATE_TOPICS, 2, body)
        r.take(">i")  # throttle time
        results = {}
        for _ in range(r.take(">i")):
            name = r.string()
            results[name] = (r.take(">h"), r.string())
        return results

    def produce(self, batches):
        """acks=1 Produce of {(topic, partition): batch bytes}; returns
        {(topic, partition): (error code, base offset)}."""
        by_topic = {}
        for (topic, partition), batch in batches.items():
            by_topic.setdefault(topic, []).append((partition, batch))
        body = string(None) + struct.pack(">hii", 1, 60000, len(by_topic))
        for topic, parts in by_topic.items():
            body += string(topic) + struct.pack(">i", len(parts))
            for partition, batch in parts:
                body += struct.pack(">ii", partition, len(batch)) + batch
        r = self.call(PRODUCE, 3, body)
        results = {}
        for _ in range(r.take(">i")):
            topic = r.string()
            for _ in range(r.take(">i")):
                partition, error, base_offset, _append_time = r.take(">ihqq")
                results[(topic, partition)] = (error, base_offset)
        return results

    def fetch(self, offsets, partition_max_bytes=65536):
        """One Fetch (read_uncommitted, no wait) of {(topic, partition): offset}; returns
        {(topic, partition): (error code, high watermark, record bytes)}."""
        by_topic = {}
        for (topic, partition), offset in offsets.items():
            by_topic.setdefault(topic, []).append((partition, offset))
        body = struct.pack(">iiiibi", -1, 0, 1, 256 << 20, 0, len(by_topic))
        for topic, parts in by_topic.items():
            body += string(topic) + struct.pack(">i", len(parts))
            for partition, offset in parts:
                body += struct.pack(">iqi", partition, offset, partition_max_bytes)
        r = self.call(FETCH, 4, body)
        r.take(">i")  # throttle time
        results = {}
        for _ in range(r.take(">i")):
            topic = r.string()
            for _ in range(r.take(">i")):
                partition, error, high_watermark, _lso = r.take(">ihqq")
                aborted = r.take(">i")
                for _ in range(max(aborted, 0)):
                    r.take(">qq")
                size = r.take(">i")
                records = r.bytes(size) if size > 0 else b""
                results[(topic, partition)] = (error, high_watermark, records)
        return results


def value_of(topic, partition, round_):
    return b"%s/%d/round-%d" % (topic.encode(), partition, round_)


def batches_for(partitions, round_):
    """One single-record batch per partition, its value naming the partition and round."""
    return {tp: record_batch([value_of(tp[0], tp[1], round_)]) for tp in partitions}
