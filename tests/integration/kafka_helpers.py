"""Kafka client helpers shared by the integration tests.

Producers and consumers of kafka-python (pure Python, Fetch v4) and confluent-kafka
(librdkafka 2.0.2, Fetch v11), plus raw protocol requests through kafka-python's low-level
client for the checks that need to see the wire. Every call is bounded in time: a broker
that stops answering fails the test instead of hanging it.
"""

import subprocess
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from kafka import KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KpTopicPartition
from kafka.client_async import KafkaClient


def kp_producer(bootstrap, **config):
    config.setdefault("request_timeout_ms", 10000)
    config.setdefault("max_block_ms", 10000)
    return KafkaProducer(bootstrap_servers=bootstrap, **config)


def kp_consume(bootstrap, topic, count, timeout=30.0, **config):
    """The first `count` records of every partition of `topic`, read from the beginning
    with kafka-python without a consumer group, in (partition, offset) order."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                             enable_auto_commit=False, **config)
    try:
        deadline = time.time() + timeout
        partitions = None
        while partitions is None and time.time() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if partitions is None:
                time.sleep(0.1)
        if partitions is None:
            raise AssertionError("topic %s never appeared in metadata" % topic)
        consumer.assign([KpTopicPartition(topic, p) for p in sorted(partitions)])
        consumer.seek_to_beginning()
        records = []
        while len(records) < count and time.time() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
        return sorted(records, key=lambda r: (r.partition, r.offset))
    finally:
        consumer.close()


def ck_producer(bootstrap, **config):
    conf = {"bootstrap.servers": bootstrap, "message.timeout.ms": 15000}
    conf.update(config)
    return Producer(conf)


def ck_produce(producer, topic, messages, timeout=30.0):
    """Produces (key, value, headers, timestamp) tuples and waits for every delivery
    report; returns the delivered messages in report order. Fails on any error."""
    delivered, errors = [], []

    def on_delivery(err, msg):
        (errors if err is not None else delivered).append(err or msg)

    for key, value, headers, timestamp in messages:
        while True:
            try:
                producer.produce(topic, key=key, value=value, headers=headers,
                                 timestamp=timestamp or 0, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    remaining = producer.flush(timeout)
    if errors or remaining:
        raise AssertionError("delivery failed: %s (%d undelivered)" % (errors[:3], remaining))
    return delivered


def ck_consume(bootstrap, topic, count=None, timeout=30.0, **config):
    """The first `count` messages of `topic` (None: every message up to the high
    watermarks) from the beginning of every partition, with librdkafka (partitions
    assigned by hand, so no group coordinator is involved), in (partition, offset) order."""
    conf = {"bootstrap.servers": bootstrap, "group.id": "it-reader",
            "enable.auto.commit": False, "enable.partition.eof": False}
    conf.update(config)
    consumer = Consumer(conf)
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = sorted(metadata.topics[topic].partitions)
        if count is None:
            count = sum(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                        for p in partitions)
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        messages = []
        deadline = time.time() + timeout
        while len(messages) < count and time.time() < deadline:
            for msg in consumer.consume(num_messages=1000, timeout=0.2):
                if msg.error():
                    raise AssertionError("consume error: %s" % msg.error())
                messages.append(msg)
        return sorted(messages, key=lambda m: (m.partition(), m.offset()))
    finally:
        consumer.close()


def kcat(*args, data=None, timeout=30.0):
    """Runs kcat; returns its stdout (bytes). Fails with its stderr on a non-zero exit."""
    proc = subprocess.run(["kcat"] + list(args), input=data, capture_output=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError("kcat %s failed (%d): %s" % (" ".join(args), proc.returncode,
                                                          proc.stderr.decode(errors="replace")))
    return proc.stdout


def raw_request(bootstrap, request, timeout=10.0):
    """Sends one kafka-python protocol request object to the broker and returns the
    decoded response."""
    client = KafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        deadline = time.time() + timeout
        node = client.least_loaded_node()
        while not client.ready(node) and time.time() < deadline:
            client.poll(timeout_ms=50)
        future = client.send(node, request)
        client.poll(future=future, timeout_ms=int(max(deadline - time.time(), 0.1) * 1000))
        if not future.succeeded():
            raise AssertionError("request failed: %s" % future.exception)
        return future.value
    finally:
        client.close()
