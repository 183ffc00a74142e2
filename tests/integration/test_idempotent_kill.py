"""kill -9 of the broker while an idempotent producer (confluent-kafka, librdkafka 2.0.2,
acks=all) sends (issue 13). The producer keeps the requests that got no answer and, once
the broker is back on the same port and data dir, sends them again with the same producer
id, epoch and sequences. A request the killed broker had written but not answered comes
back as a retry: the restarted broker must know the producer's last batches (from its
snapshots and the log) to answer it with the first offsets instead of storing it twice.

Afterwards every message is stored exactly once, in per-key order, at the offset its
delivery report gave, and the stored sequences have no repeat or gap. Variants: a plain
restart; the producer-state snapshots deleted; the snapshots cut in half (the uring
backend keeps them as files, <data_dir>/meta/producer-state.<topic>-<partition>).

The long form is scripts/idempotent_kill_loop.sh: more kills per run (RINGLOG_KILL_ROUNDS),
one JSON line of figures per passed variant appended to RINGLOG_KILL_LOG."""

import glob
import json
import os
import socket
import time
import unittest

from idempotent_checks import check_exactly_once, check_sequences
from kafka_helpers import ck_consume, ck_producer
from ringlog_fixture import Broker

TOPIC = "idem-kill"
KEYS = 16
PARTITIONS = 4
ROUNDS = int(os.environ.get("RINGLOG_KILL_ROUNDS", "2"))
SEND_SECONDS = 0.7
# Enough messages in flight for every kill to find requests unanswered, few enough for
# the run to stay short.
MAX_UNACKNOWLEDGED = 2000
# Small segments, so that segments roll (and producer-state snapshots are written) while
# the producer runs.
BROKER_ARGS = ("--num_partitions=%d" % PARTITIONS, "--log_segment_bytes=65536")


def message(i):
    key = b"key-%02d" % (i % KEYS)
    return key, b"%s:%06d:%s" % (key, i // KEYS, b"p" * 150)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class IdempotentKillTest(unittest.TestCase):

    def setUp(self):
        self.broker = Broker(BROKER_ARGS).start()
        self.addCleanup(self.broker.close)

    def restart_killed(self, damage):
        """kill -9, `damage` to the data dir, then the broker again on the same port once
        the killed process has let go of its port and data dir lock. Returns what
        `damage` returned."""
        self.broker.kill()
        deadline = time.time() + 20
        while port_open(self.broker.port) and time.time() < deadline:
            time.sleep(0.02)
        damaged = damage()
        while True:
            try:
                self.broker.start()
                return damaged
            except RuntimeError as e:
                self.broker.log.close()
                if "in use by another ringlog process" not in str(e) or time.time() > deadline:
                    raise
                time.sleep(0.05)

    def run_with_kills(self, damage):
        """Returns how many snapshots `damage` (returning that count) found over all kills."""
        started = time.time()
        producer = ck_producer(self.broker.bootstrap, **{
            "enable.idempotence": True, "acks": "all", "linger.ms": 1,
            "batch.num.messages": 50, "message.timeout.ms": 120000,
            "reconnect.backoff.ms": 20, "reconnect.backoff.max.ms": 200,
            "retry.backoff.ms": 20})
        delivered, errors = {}, []

        def on_delivery(err, msg):
            if err is not None:
                errors.append(err)
            else:
                delivered[msg.value()] = (msg.partition(), msg.offset())

        sent = 0
        unacknowledged, damaged = [], 0
        for _ in range(ROUNDS):
            until = time.time() + SEND_SECONDS
            while time.time() < until:
                if sent - len(delivered) - len(errors) >= MAX_UNACKNOWLEDGED:
                    producer.poll(0.002)
                    continue
                key, value = message(sent)
                try:
                    producer.produce(TOPIC, key=key, value=value, on_delivery=on_delivery)
                    sent += 1
                except BufferError:
                    producer.poll(0.01)
                producer.poll(0)
            unacknowledged.append(sent - len(delivered) - len(errors))
            damaged += self.restart_killed(damage)
        self.assertEqual(producer.flush(60), 0, "undelivered after the restarts")
        self.assertFalse(errors, "delivery failures: %s" % errors[:3])
        print("\n%d messages; unacknowledged at each kill: %s" % (sent, unacknowledged))
        self.assertGreater(min(unacknowledged), 0, "a kill found nothing in flight")
        records = [(m.partition(), m.offset(), m.key(), m.value())
                   for m in ck_consume(self.broker.bootstrap, TOPIC, timeout=60)]
        check_exactly_once(self, records, [message(i) for i in range(sent)], PARTITIONS,
                           delivered)
        check_sequences(self, self.broker.bootstrap, TOPIC, PARTITIONS)
        self.log_figures(started, sent, len(records), unacknowledged, damaged)
        return damaged

    def log_figures(self, started, sent, stored, unacknowledged, damaged):
        """One JSON line of the run's figures to $RINGLOG_KILL_LOG, when it is set."""
        if os.environ.get("RINGLOG_KILL_LOG"):
            with open(os.environ["RINGLOG_KILL_LOG"], "a") as log:
                log.write(json.dumps({
                    "backend": self.broker.backend, "variant": self._testMethodName,
                    "kills": ROUNDS, "messages": sent, "stored_once": stored,
                    "unacknowledged_at_kills": unacknowledged, "snapshots_damaged": damaged,
                    "seconds": round(time.time() - started, 1)}) + "\n")

    def test_plain_restart(self):
        self.run_with_kills(lambda: 0)

    def damage_snapshots(self, how):
        """Runs the kills with `how` applied to the snapshot files before each restart. A
        damaged snapshot is dropped at the open and the next comes with the next roll, so
        a kill may find none; the run must find some."""
        if self.broker.backend != "uring":
            self.skipTest("the rocksdb backend keeps its meta blobs (producer-state snapshots "
                          "among them) as keys inside its RocksDB instance, not as files")

        def damage():
            found = glob.glob(os.path.join(self.broker.data_dir, "meta", "producer-state.*"))
            for path in found:
                how(path)
            return len(found)

        self.assertGreater(self.run_with_kills(damage), 0, "no producer-state snapshot found")

    def test_snapshots_deleted(self):
        self.damage_snapshots(os.remove)

    def test_snapshots_truncated(self):
        self.damage_snapshots(lambda path: os.truncate(path, os.path.getsize(path) // 2))


if __name__ == "__main__":
    unittest.main()
