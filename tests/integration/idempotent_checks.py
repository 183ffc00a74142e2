"""What a topic must hold after idempotent producers wrote to it (issue 13), shared by the
idempotent-producer tests: every message exactly once, in per-key order, at the offsets
the delivery reports gave; and, on the wire, batches that carry a producer id whose
sequences run from 0 without gap or repeat within each producer epoch.
"""

import collections
import struct
import time

from kafka.client_async import KafkaClient
from kafka.protocol.fetch import FetchRequest
from kafka_helpers import ck_producer

# RecordBatch v2 up to the record count: base offset, batch length, partition leader
# epoch, magic, CRC, attributes, last offset delta, base and max timestamp, producer id,
# producer epoch, base sequence, record count.
BATCH_HEADER = struct.Struct(">qiibIhiqqqhii")
Batch = collections.namedtuple(
    "Batch", "base_offset last_offset_delta count producer_id epoch base_sequence")


def keyed_message(i, keys):
    """The i-th message of a stream over `keys` keys: (key, value), the value naming its
    key and its place in that key's sequence."""
    key = b"key-%02d" % (i % keys)
    return key, b"%s:%06d" % (key, i // keys)


class RecordingProducer:
    """An idempotent acks=all librdkafka producer sending the keyed_message stream over
    `keys` keys to `topic`, with at most `window` values unanswered, recording every
    answer: `delivered` {value: (partition, offset)}, `errors` [error]; `sent` counts the
    values handed to it. `config` adds to or overrides the producer's settings."""

    def __init__(self, bootstrap, topic, keys, window, **config):
        settings = {
            "enable.idempotence": True, "acks": "all", "linger.ms": 1,
            "batch.num.messages": 50, "message.timeout.ms": 60000,
            "reconnect.backoff.ms": 20, "reconnect.backoff.max.ms": 200,
            "retry.backoff.ms": 20, "topic.metadata.refresh.interval.ms": 500}
        settings.update(config)
        self.producer = ck_producer(bootstrap, **settings)
        self.topic, self.keys, self.window = topic, keys, window
        self.delivered, self.errors, self.sent = {}, [], 0

    def _on_delivery(self, err, msg):
        if err is not None:
            self.errors.append(err)
        else:
            self.delivered[msg.value()] = (msg.partition(), msg.offset())

    @property
    def unanswered(self):
        return self.sent - len(self.delivered) - len(self.errors)

    def send_for(self, seconds):
        until = time.time() + seconds
        while time.time() < until:
            if self.unanswered >= self.window:
                self.producer.poll(0.002)
                continue
            key, value = keyed_message(self.sent, self.keys)
            try:
                self.producer.produce(self.topic, key=key, value=value,
                                      on_delivery=self._on_delivery)
                self.sent += 1
            except BufferError:
                self.producer.poll(0.01)
            self.producer.poll(0)

    def flush(self, timeout):
        """The count of values still unanswered after waiting up to `timeout` seconds."""
        return self.producer.flush(timeout)

    def expected(self):
        """Every value sent, as keyed_message made it."""
        return [keyed_message(i, self.keys) for i in range(self.sent)]


def fetch_batches(bootstrap, topic, partition, timeout=30.0):
    """The header fields of every batch stored in one partition, in offset order, through
    raw Fetch v10 requests on one connection (a fetch may stop at a segment's end)."""
    client = KafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        deadline = time.time() + timeout
        node = client.least_loaded_node()
        while not client.ready(node) and time.time() < deadline:
            client.poll(timeout_ms=50)
        offset = 0
        while time.time() < deadline:
            request = FetchRequest[10](
                replica_id=-1, max_wait_time=0, min_bytes=0, max_bytes=64 << 20,
                isolation_level=0, session_id=0, session_epoch=-1,
                topics=[(topic, [(partition, 0, offset, -1, 64 << 20)])],
                forgotten_topics_data=[])
            future = client.send(node, request)
            client.poll(future=future, timeout_ms=int(max(deadline - time.time(), 0.1) * 1000))
            if not future.succeeded():
                raise AssertionError("fetch %s-%d: %s" % (topic, partition, future.exception))
            answer = future.value.topics[0][1][0]
            if answer[1] != 0:
                raise AssertionError("fetch %s-%d: error %d" % (topic, partition, answer[1]))
            data = answer[-1] or b""
            batches = list(split_batches(data))
            if not batches:
                return
            yield from batches
            offset = batches[-1].base_offset + batches[-1].last_offset_delta + 1
        raise AssertionError("fetch %s-%d: timed out" % (topic, partition))
    finally:
        client.close()


def split_batches(data):
    """The whole batches at the start of `data`, as header fields."""
    pos = 0
    while pos + BATCH_HEADER.size <= len(data):
        fields = BATCH_HEADER.unpack_from(data, pos)
        if pos + 12 + fields[1] > len(data):
            return
        yield Batch(fields[0], fields[6], fields[12], fields[9], fields[10], fields[11])
        pos += 12 + fields[1]


def check_sequences(test, bootstrap, topic, partitions):
    """Every stored batch of `topic` carries a producer id, and within each producer id
    and epoch the base sequences run 0, n0, n0+n1, ...: nothing stored twice, no gap."""
    for partition in range(partitions):
        following = {}
        for batch in fetch_batches(bootstrap, topic, partition):
            test.assertGreaterEqual(batch.producer_id, 0, "a batch without producer id: %s"
                                    % (batch,))
            producer = (batch.producer_id, batch.epoch)
            test.assertEqual(batch.base_sequence, following.get(producer, 0),
                             "partition %d, %s" % (partition, batch))
            following[producer] = batch.base_sequence + batch.count


def check_exactly_once(test, records, expected, partitions, delivered=None):
    """records: the whole topic as (partition, offset, key, value) in (partition, offset)
    order. expected: the (key, value) messages produced. delivered: {value: (partition,
    offset)} from the delivery reports, when the client gives them."""
    counts = collections.Counter(r[3] for r in records)
    twice = [v for v, n in counts.items() if n > 1]
    test.assertFalse(twice, "%d messages stored more than once, e.g. %s" % (len(twice), twice[:2]))
    missing = [v for _, v in expected if v not in counts]
    test.assertFalse(missing, "%d messages missing, e.g. %s" % (len(missing), missing[:2]))
    test.assertEqual(len(records), len(expected), "records stored")
    by_partition = collections.defaultdict(list)
    key_partition, key_sequence = {}, collections.defaultdict(list)
    for partition, offset, key, value in records:
        by_partition[partition].append(offset)
        test.assertEqual(key_partition.setdefault(key, partition), partition,
                         "key %s spans partitions" % key)
        test.assertTrue(value.startswith(key + b":"), "key %s with value %s" % (key, value))
        key_sequence[key].append(int(value.split(b":")[1]))
    test.assertEqual(len(by_partition), partitions, "the keys spread over every partition")
    for partition, offsets in by_partition.items():
        test.assertEqual(offsets, list(range(len(offsets))), "offsets of partition %d" % partition)
    for key, sequence in key_sequence.items():
        test.assertEqual(sequence, list(range(len(sequence))), "order of %s" % key)
    if delivered is not None:
        test.assertEqual(len(delivered), len(expected), "delivery reports")
        stored_at = {r[3]: (r[0], r[1]) for r in records}
        wrong = [(v, at, stored_at[v]) for v, at in delivered.items() if stored_at[v] != at]
        test.assertFalse(wrong, "stored elsewhere than reported (value, reported, stored)")
