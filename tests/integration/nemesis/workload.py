"""The nemesis test's workload: producers that write unique values to chosen partitions and
record what happened to each one, and a consumer group that records every record it read.

Values name their producer and their place in its sequence ("ck1-00000042"), and the n-th
value goes to partition n mod partitions, so the checker knows the send order of each
producer in each partition. Every producer waits for acks=all:
- librdkafka (confluent-kafka) with enable.idempotence: it retries until its long message
  timeout, and the broker drops the retries of batches it already stored;
- kafka-python 2.0.2, which has no idempotent producer: retries=0 and one request in flight,
  so that it never sends a value twice; a value whose request failed is reported failed
  (it may or may not be stored) and the next value is a new one.
"""

import collections
import logging
import os
import re
import threading
import time

from confluent_kafka import Consumer, KafkaException, Producer
from kafka import KafkaProducer

# librdkafka's "topic" debug context: it keeps a partition on the broker it is on although
# its metadata names another leader, and a broker refusing a batch as not the leader.
KEPT_ROUTE = re.compile(r"Topic \S+ \[(\d+)\]: leader (\d+) unchanged, not migrating away")
REFUSED_NOT_LEADER = re.compile(r"\S+ \[(\d+)\]: broker unavailable: produce: Broker: Not "
                                r"leader for partition")


class ProducerHistory:
    """What one producer did: values in send order with their partition, acknowledgements
    (value, partition, offset) in the order they arrived, failures (value, error)."""

    def __init__(self, name, idempotent):
        self.name = name
        self.idempotent = idempotent
        self.lock = threading.Lock()
        self.sent = []  # (value, partition)
        self.acks = []  # (value, partition, offset)
        self.failures = []  # (value, error text)
        self.fatal = []  # errors after which the producer cannot go on
        # (when, text) of the client's log lines about bumping its producer epoch: after a
        # bump it may send again, under new sequence numbers, values the broker already
        # stored, which no broker can tell from new ones (librdkafka issue 4953).
        self.epoch_bumps = []
        # Per partition, from the client's log: (when, leader) of the last time it kept the
        # partition where it was although its metadata named `leader`, and when a broker
        # last refused one of its batches as not the leader.
        self.kept_route = {}
        self.refused_not_leader = {}

    def value(self, seq):
        return b"%s-%08d" % (self.name.encode(), seq)

    def unanswered(self):
        with self.lock:
            return len(self.sent) - len(self.acks) - len(self.failures)

    def unanswered_per_partition(self):
        """{partition: values sent to it that got no answer}."""
        with self.lock:
            answered = {a[0] for a in self.acks} | {f[0] for f in self.failures}
            out = {}
            for value, partition in self.sent:
                if value not in answered:
                    out[partition] = out.get(partition, 0) + 1
            return out

    def misrouted(self, leaders, since):
        """Partitions this client was sending to a broker that is not their leader, though
        its own metadata named the leader in `leaders` ({partition: broker}): both signs
        seen since `since`. That is librdkafka refusing to move a partition whose leader id
        it already holds ("leader L unchanged, not migrating away from preferred replica",
        librdkafka issues 3230 and 4976), a client defect: the refusals do not move it."""
        with self.lock:
            return sorted(p for p, (when, leader) in self.kept_route.items()
                          if when >= since and leader == leaders.get(p) and
                          self.refused_not_leader.get(p, 0) >= since)

    def log_line(self, when, text):
        """Takes what the producer needs from one line of the client's log."""
        with self.lock:
            if "bump" in text.lower():
                self.epoch_bumps.append((when, text))
            kept = KEPT_ROUTE.search(text)
            if kept:
                self.kept_route[int(kept.group(1))] = (when, int(kept.group(2)))
            refused = REFUSED_NOT_LEADER.search(text)
            if refused:
                self.refused_not_leader[int(refused.group(1))] = when

    def acked(self, value, partition, offset):
        with self.lock:
            self.acks.append((value, partition, offset))

    def failed(self, value, error):
        with self.lock:
            self.failures.append((value, str(error)))


class _ProducerThread(threading.Thread):
    """Sends values at about `rate` per second with at most `window` unanswered, until
    stop(); then waits (bounded) for the answers still due."""

    def __init__(self, history, topic, partitions, rate, window):
        super().__init__(name="producer-" + history.name, daemon=True)
        self.history, self.topic, self.partitions = history, topic, partitions
        self.rate, self.window = rate, window
        self.stopping = threading.Event()
        self.flush_timeout = 60.0
        self.undelivered = None  # unanswered values at the end
        self.finished_at = None  # when the flush ended

    def request_stop(self, flush_timeout):
        self.flush_timeout = flush_timeout
        self.stopping.set()

    def run(self):
        start, seq = time.time(), 0
        while not self.stopping.is_set() and not self.history.fatal:
            if (self.history.unanswered() >= self.window or
                    seq > (time.time() - start) * self.rate):
                self.poll(0.01)
                continue
            value, partition = self.history.value(seq), seq % self.partitions
            if self.send(value, partition):
                with self.history.lock:
                    self.history.sent.append((value, partition))
            seq += 1
            self.poll(0)
        self.undelivered = self.finish(self.flush_timeout)
        self.finished_at = time.time()


class CkProducer(_ProducerThread):
    """An idempotent acks=all librdkafka producer."""

    def __init__(self, name, bootstrap, topic, partitions, rate, window=2000, **config):
        super().__init__(ProducerHistory(name, idempotent=True), topic, partitions, rate,
                         window)
        conf = {"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
                "linger.ms": 5, "message.timeout.ms": 300000, "retry.backoff.ms": 50,
                "reconnect.backoff.ms": 50, "reconnect.backoff.max.ms": 500,
                "topic.metadata.refresh.interval.ms": 1000, "error_cb": self._on_error,
                "log_level": 2}
        conf.update(config)
        self.lines = []
        self.tail = collections.deque(maxlen=60)
        # The "eos" debug context logs the idempotence state changes, epoch bumps among
        # them, and "topic" where the client routes each partition (see misrouted());
        # RINGLOG_NEMESIS_DEBUG adds contexts and keeps every line.
        self.keep_lines = bool(os.environ.get("RINGLOG_NEMESIS_DEBUG"))
        contexts = ",".join(filter(None, ["eos,topic", os.environ.get("RINGLOG_NEMESIS_DEBUG")]))
        conf.update({"debug": contexts, "log_level": 7})
        self.producer = Producer(conf, logger=_LineLog(self))

    def _on_error(self, error):
        if error.fatal():
            self.history.fatal.append(str(error))

    def _on_delivery(self, err, msg):
        if err is not None:
            self.history.failed(msg.value(), err)
        else:
            self.history.acked(msg.value(), msg.partition(), msg.offset())

    def send(self, value, partition):
        try:
            self.producer.produce(self.topic, value=value, partition=partition,
                                  on_delivery=self._on_delivery)
            return True
        except BufferError:
            return False
        except KafkaException as e:  # fatal idempotence errors end up here too
            self.history.fatal.append(str(e))
            return False

    def poll(self, seconds):
        self.producer.poll(seconds)

    def finish(self, timeout):
        return self.producer.flush(timeout)


class KpProducer(_ProducerThread):
    """A kafka-python acks=all producer that sends each value once (see the module's
    comment)."""

    def __init__(self, name, bootstrap, topic, partitions, rate, window=200):
        super().__init__(ProducerHistory(name, idempotent=False), topic, partitions, rate,
                         window)
        self.producer = KafkaProducer(
            bootstrap_servers=bootstrap, acks="all", retries=0,
            max_in_flight_requests_per_connection=1, linger_ms=5, request_timeout_ms=30000,
            max_block_ms=2000, metadata_max_age_ms=1000, reconnect_backoff_ms=50,
            reconnect_backoff_max_ms=500)

    def send(self, value, partition):
        try:
            future = self.producer.send(self.topic, value=value, partition=partition)
        except Exception:  # no metadata within max_block_ms: the value was never sent
            return False
        future.add_callback(lambda m: self.history.acked(value, m.partition, m.offset))
        future.add_errback(lambda e: self.history.failed(value, e))
        return True

    def poll(self, seconds):
        time.sleep(seconds)

    def finish(self, timeout):
        try:
            self.producer.flush(timeout)
        except Exception:
            pass
        unanswered = self.history.unanswered()
        self.producer.close(1)
        return unanswered


class _LineLog(logging.Logger):
    """Gives each line of a producer's log to its history (epoch bumps, routing), keeps
    the last lines in the owner's `tail` (for a producer left with unanswered values) and,
    when its owner keeps lines, many more in its `lines`."""

    def __init__(self, owner):
        super().__init__("client")
        self.owner = owner

    def log(self, level, msg, *args, **kwargs):
        text = msg % args if args else msg
        self.owner.history.log_line(time.time(), text)
        self.owner.tail.append((time.time(), text))
        if self.owner.keep_lines:
            self.owner.lines.append((time.time(), text))
            del self.owner.lines[:-20000]


class _ResetLog(logging.Logger):
    """librdkafka's log of a reader, keeping only the offset resets (when, text) in the
    reader's `resets`: a reset to the beginning is what makes the group read again."""

    def __init__(self, reader):
        super().__init__("reader-" + reader.name)
        self.reader = reader

    def log(self, level, msg, *args, **kwargs):
        text = msg % args if args else msg
        self.reader.lines.append((time.time(), text))
        del self.reader.lines[:-3000]
        if "reset" in text.lower():
            self.reader.resets.append((time.time(), text))


class GroupReader(threading.Thread):
    """One member of a consumer group subscribed to the topic from the earliest offset,
    recording (partition, offset, value) of every record it is given, repeats included.
    It stores each record's offset for the automatic commit once it recorded it: librdkafka
    2.0.2's own store (enable.auto.offset.store) got ahead of what consume() had returned
    across rebalances, and the group passed over records."""

    def __init__(self, name, bootstrap, topic, group):
        super().__init__(name="reader-" + name, daemon=True)
        self.name = name
        self.resets = []  # (when, librdkafka's log line) of every offset reset
        self.lines = []  # (when, librdkafka's log line): the last ones
        self.consumer = Consumer({
            "bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
            "enable.auto.commit": True, "auto.commit.interval.ms": 500,
            "enable.auto.offset.store": False,
            "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
            "topic.metadata.refresh.interval.ms": 1000, "enable.partition.eof": False,
            "reconnect.backoff.ms": 50, "reconnect.backoff.max.ms": 500, "log_level": 6},
            logger=_ResetLog(self))
        self.events = []  # (when, "assign" | "revoke", [(partition, offset)])
        self.consumer.subscribe([topic], on_assign=self._on_assign, on_revoke=self._on_revoke)
        self.seen = []  # (partition, offset, value)
        self.jumps = []  # (when, partition, from offset, to offset): offsets passed over
        self.highest = {}  # partition -> the highest offset read
        self.errors = {}  # error text: count
        self.stopping = threading.Event()

    def _on_assign(self, consumer, partitions):
        self.events.append((time.time(), "assign", [(tp.partition, tp.offset)
                                                    for tp in partitions]))

    def _on_revoke(self, consumer, partitions):
        self.events.append((time.time(), "revoke", [(tp.partition, tp.offset)
                                                    for tp in partitions]))

    def run(self):
        following = {}  # partition -> the offset after the last one read
        while not self.stopping.is_set():
            for msg in self.consumer.consume(num_messages=500, timeout=0.2):
                if msg.error():
                    text = str(msg.error())
                    self.errors[text] = self.errors.get(text, 0) + 1
                    continue
                p, o = msg.partition(), msg.offset()
                if following.get(p, o) < o:
                    self.jumps.append((time.time(), p, following[p], o))
                following[p] = o + 1
                self.highest[p] = max(self.highest.get(p, -1), o)
                self.seen.append((p, o, msg.value()))
                self.consumer.store_offsets(msg)
        closing = time.time()
        self.consumer.close()
        self.close_seconds = time.time() - closing

    def stop(self):
        self.stopping.set()
        self.join(15)


class Workload:
    """The producers and the group readers of one run."""

    def __init__(self, bootstrap, topic, partitions, rate):
        self.producers = [
            CkProducer("ck1", bootstrap, topic, partitions, rate),
            CkProducer("ck2", bootstrap, topic, partitions, rate, **{"linger.ms": 20,
                                                                      "batch.num.messages": 200}),
            KpProducer("kp", bootstrap, topic, partitions, rate / 2),
        ]
        self.readers = [GroupReader("r%d" % i, bootstrap, topic, "nemesis-readers")
                        for i in (1, 2)]

    @property
    def histories(self):
        return [p.history for p in self.producers]

    def start(self):
        for t in self.readers + self.producers:
            t.start()

    def stop_producers(self, timeout):
        for p in self.producers:
            p.request_stop(timeout)
        for p in self.producers:
            p.join(timeout + 30)

    def stop_readers(self):
        for r in self.readers:
            r.stopping.set()
        for r in self.readers:
            r.stop()

    def consumed(self):
        """Every (reader, partition, offset, value) the group was given."""
        return [(r.name, p, o, v) for r in self.readers for p, o, v in r.seen]

    def acked_count(self):
        return sum(len(h.acks) for h in self.histories)
