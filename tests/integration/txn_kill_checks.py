"""What the transaction crash tests share (test_txn_broker_kill.py on one broker,
test_cluster_txn_kill.py on a cluster): confluent-kafka 1.7.0 (librdkafka 2.0.2)
transactional producers whose transactions write known values to every partition of a
few topics (each a "slot", (topic, partition)), readers with either isolation level, the last stable offsets and high watermarks
by ListOffsets v2, and the check that each transaction is visible to read_committed
whole or not at all."""

import struct
import time

from confluent_kafka import (OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer,
                             TopicPartition)

from cluster_wire import Connection
from kafka_wire import string

READ_UNCOMMITTED, READ_COMMITTED = 0, 1


def txn_producer(bootstrap, transactional_id, **config):
    """A transactional producer with its transactions initialised. librdkafka retries
    InitProducerId while the coordinator aborts or completes the id's last transaction."""
    conf = {"bootstrap.servers": bootstrap, "transactional.id": transactional_id,
            "linger.ms": 2, "transaction.timeout.ms": 60000, "message.timeout.ms": 60000,
            "reconnect.backoff.ms": 20, "reconnect.backoff.max.ms": 200,
            "retry.backoff.ms": 20}
    conf.update(config)
    producer = Producer(conf)
    producer.init_transactions(30)
    return producer


def slots(topic, partitions):
    """The slots of `partitions` partitions of `topic`."""
    return [(topic, p) for p in range(partitions)]


def txn_values(name, slots, per_partition):
    """{slot: values} of transaction `name` over `slots`."""
    return {(t, p): [b"%s-%s-%d-%03d" % (name.encode(), t.encode(), p, i)
                     for i in range(per_partition)] for t, p in slots}


def begin_and_write(producer, values):
    """Begins a transaction and writes `values` ({slot: values}), every one of them
    acknowledged (flushed) before this returns."""
    producer.begin_transaction()
    errors = []

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(err)

    for (topic, partition), items in values.items():
        for value in items:
            producer.produce(topic, value=value, partition=partition, on_delivery=on_delivery)
    remaining = producer.flush(30)
    if errors or remaining:
        raise AssertionError("transactional delivery failed: %s (%d undelivered)" %
                             (errors[:3], remaining))


def transaction(producer, values, commit=True):
    begin_and_write(producer, values)
    if commit:
        producer.commit_transaction(30)
    else:
        producer.abort_transaction(30)


def end_or_abort(producer, commit):
    """Ends the open transaction; a commit librdkafka reports abortable is aborted instead.
    True when it committed."""
    if not commit:
        producer.abort_transaction(30)
        return False
    try:
        producer.commit_transaction(30)
        return True
    except KafkaException as e:
        if not e.args[0].txn_requires_abort():
            raise
        producer.abort_transaction(30)
        return False


def offsets(ports, isolation):
    """{slot: latest offset} by ListOffsets v2 for the slots of `ports` ({slot: port of the
    broker to ask, its leader}): the last stable offset with READ_COMMITTED, the high
    watermark with READ_UNCOMMITTED. Raises when a partition answers an error."""
    by_port = {}
    for slot, port in ports.items():
        by_port.setdefault(port, {}).setdefault(slot[0], []).append(slot[1])
    found = {}
    for port, topics in by_port.items():
        body = struct.pack(">ib", -1, isolation) + struct.pack(">i", len(topics))
        for topic, asked in topics.items():
            body += (string(topic) + struct.pack(">i", len(asked)) +
                     b"".join(struct.pack(">iq", p, -1) for p in asked))
        with Connection(port) as conn:
            r = conn.call(2, 2, body)
        r.take(">i")  # throttle_time_ms
        for _ in range(r.take(">i")):
            topic = r.string()
            for _ in range(r.take(">i")):
                partition, error, _timestamp, offset = r.take(">ihqq")
                if error != 0:
                    raise AssertionError("ListOffsets %s-%d: error %d" % (topic, partition, error))
                found[(topic, partition)] = offset
    return found


def stable(ports):
    """True when no slot of `ports` (as for offsets()) has an open transaction: every last
    stable offset equals the high watermark."""
    return offsets(ports, READ_COMMITTED) == offsets(ports, READ_UNCOMMITTED)


def txn_coordinator(port, transactional_id):
    """FindCoordinator v1 with key type 1 (transaction): (error_code, node_id)."""
    with Connection(port) as conn:
        r = conn.call(10, 1, string(transactional_id) + struct.pack(">b", 1))
    r.take(">i")
    error, _message = r.take(">h"), r.string()
    return error, r.take(">i")


def read_values(bootstrap, slots, isolation, timeout=30.0):
    """{slot: [values]} of every slot from its start up to its end (the last stable offset
    for READ_COMMITTED), read by librdkafka with the partitions assigned by hand."""
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": "txn-kill-reader",
        "enable.auto.commit": False, "enable.partition.eof": True,
        "isolation.level": "read_committed" if isolation == READ_COMMITTED else
        "read_uncommitted"})
    try:
        consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in slots])
        values = {slot: [] for slot in slots}
        at_end = set()
        deadline = time.time() + timeout
        while len(at_end) < len(slots):
            if time.time() > deadline:
                raise AssertionError("no end of %s within %.0fs" % (
                    sorted(set(slots) - at_end), timeout))
            for msg in consumer.consume(num_messages=1000, timeout=0.2):
                slot = (msg.topic(), msg.partition())
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        at_end.add(slot)
                        continue
                    raise AssertionError("consume error: %s" % msg.error())
                at_end.discard(slot)
                values[slot].append(msg.value())
        return values
    finally:
        consumer.close()


def check_visibility(test, committed, uncommitted, txns, outcomes):
    """`committed` and `uncommitted` are the read_committed and read_uncommitted views
    ({slot: [values]}); `txns` {name: {slot: values}}; `outcomes` {name: True
    (committed), False (aborted) or None (either, but whole)}. read_committed holds exactly
    the values of the committed transactions, each whole and in order; read_uncommitted
    holds every value written."""
    seen = {v for values in committed.values() for v in values}
    everything = {v for values in uncommitted.values() for v in values}
    test.assertEqual(sum(len(v) for v in committed.values()), len(seen),
                     "read_committed saw a value twice")
    expected = set()
    for name, values in txns.items():
        written = {v for items in values.values() for v in items}
        test.assertTrue(written <= everything,
                        "read_uncommitted lacks values of transaction %s" % name)
        visible = written & seen
        outcome = outcomes[name]
        if outcome is None:
            test.assertIn(visible, (set(), written),
                          "transaction %s half-visible: %d of %d values" %
                          (name, len(visible), len(written)))
            outcome = bool(visible)
        if outcome:
            expected |= written
        for slot, items in values.items():
            if outcome:
                test.assertEqual([v for v in committed[slot] if v in written], items,
                                 "read_committed order of %s in %s" % (name, slot))
    test.assertEqual(sorted(seen), sorted(expected), "read_committed: not exactly the "
                     "committed transactions (extra: %s, missing: %s)" % (
                         sorted(seen - expected)[:5], sorted(expected - seen)[:5]))
