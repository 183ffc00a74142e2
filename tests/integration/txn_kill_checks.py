"""What the transaction crash tests share (test_txn_broker_kill.py on one broker,
test_cluster_txn_kill.py on a cluster): confluent-kafka 1.7.0 (librdkafka 2.0.2)
transactional producers whose transactions write known values to every partition of a
topic, readers with either isolation level, the last stable offsets and high watermarks
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


def txn_values(name, partitions, per_partition):
    """{partition: values} of transaction `name`."""
    return {p: [b"%s-p%d-%03d" % (name.encode(), p, i) for i in range(per_partition)]
            for p in range(partitions)}


def begin_and_write(producer, topic, values):
    """Begins a transaction and writes `values` ({partition: values}), every one of them
    acknowledged (flushed) before this returns."""
    producer.begin_transaction()
    errors = []

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(err)

    for partition, items in values.items():
        for value in items:
            producer.produce(topic, value=value, partition=partition, on_delivery=on_delivery)
    remaining = producer.flush(30)
    if errors or remaining:
        raise AssertionError("transactional delivery failed: %s (%d undelivered)" %
                             (errors[:3], remaining))


def transaction(producer, topic, values, commit=True):
    begin_and_write(producer, topic, values)
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


def offsets(port, topic, partitions, isolation):
    """{partition: latest offset} by ListOffsets v2 to the broker on `port`: the last stable
    offset with READ_COMMITTED, the high watermark with READ_UNCOMMITTED. Raises when a
    partition answers an error."""
    body = (struct.pack(">ib", -1, isolation) + struct.pack(">i", 1) + string(topic) +
            struct.pack(">i", partitions) +
            b"".join(struct.pack(">iq", p, -1) for p in range(partitions)))
    with Connection(port) as conn:
        r = conn.call(2, 2, body)
    r.take(">i")  # throttle_time_ms
    assert r.take(">i") == 1 and r.string() == topic
    found = {}
    for _ in range(r.take(">i")):
        partition, error, _timestamp, offset = r.take(">ihqq")
        if error != 0:
            raise AssertionError("ListOffsets %s-%d: error %d" % (topic, partition, error))
        found[partition] = offset
    return found


def stable(port, topic, partitions):
    """True when no partition has an open transaction: every last stable offset equals the
    high watermark."""
    return (offsets(port, topic, partitions, READ_COMMITTED) ==
            offsets(port, topic, partitions, READ_UNCOMMITTED))


def txn_coordinator(port, transactional_id):
    """FindCoordinator v1 with key type 1 (transaction): (error_code, node_id)."""
    with Connection(port) as conn:
        r = conn.call(10, 1, string(transactional_id) + struct.pack(">b", 1))
    r.take(">i")
    error, _message = r.take(">h"), r.string()
    return error, r.take(">i")


def read_values(bootstrap, topic, partitions, isolation, timeout=30.0):
    """{partition: [values]} of every partition of `topic` from its start up to its end
    (the last stable offset for READ_COMMITTED), read by librdkafka with the partitions
    assigned by hand."""
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": "txn-kill-reader",
        "enable.auto.commit": False, "enable.partition.eof": True,
        "isolation.level": "read_committed" if isolation == READ_COMMITTED else
        "read_uncommitted"})
    try:
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
        values = {p: [] for p in range(partitions)}
        at_end = set()
        deadline = time.time() + timeout
        while len(at_end) < partitions:
            if time.time() > deadline:
                raise AssertionError("%s: no end of partitions %s within %.0fs" % (
                    topic, sorted(set(range(partitions)) - at_end), timeout))
            for msg in consumer.consume(num_messages=1000, timeout=0.2):
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        at_end.add(msg.partition())
                        continue
                    raise AssertionError("consume error: %s" % msg.error())
                at_end.discard(msg.partition())
                values[msg.partition()].append(msg.value())
        return values
    finally:
        consumer.close()


def check_visibility(test, committed, uncommitted, txns, outcomes):
    """`committed` and `uncommitted` are the read_committed and read_uncommitted views
    ({partition: [values]}); `txns` {name: {partition: values}}; `outcomes` {name: True
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
        for partition, items in values.items():
            if outcome:
                test.assertEqual([v for v in committed[partition] if v in written], items,
                                 "read_committed order of %s in partition %d" %
                                 (name, partition))
    test.assertEqual(sorted(seen), sorted(expected), "read_committed: not exactly the "
                     "committed transactions (extra: %s, missing: %s)" % (
                         sorted(seen - expected)[:5], sorted(expected - seen)[:5]))
