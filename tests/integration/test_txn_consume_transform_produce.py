"""Exactly-once consume-transform-produce (issue 17) with confluent-kafka 1.7.0 (librdkafka
2.0.2): txn_transformer.py reads an input topic in a consumer group and writes each record
transformed to an output topic, a transaction per batch with send_offsets_to_transaction
(AddOffsetsToTxn, TxnOffsetCommit). The test kills it with SIGKILL at random moments (in
its start-up, mid-transaction, while committing) and starts it again with the same
transactional id; the last incarnation runs until the group has committed the whole input.

Afterwards a read_committed reader of the output sees every input value exactly once (and
within each output partition those of one input partition in input order); a
read_uncommitted reader sees those and perhaps extras of aborted transactions, nothing
else; the group's committed offsets are the input's end offsets.

The transformer is a static group member (group.instance.id, KIP-345), so that a restart
takes over its partitions at once instead of waiting for the killed member's session to
expire. The second test runs two dynamic members side by side and kills one while its
transaction holds the offsets it sent: the other is given its partitions after a
rebalance, but may not read their offsets (OffsetFetch require_stable answers
UNSTABLE_OFFSET_COMMIT) until the coordinator aborts that transaction at its timeout.

Environment: RINGLOG_CTP_KILLS (kills of the first test, default 6), RINGLOG_CTP_VALUES
(input values, default 3000), RINGLOG_CTP_SEED (the kill moments' seed, default random,
printed), RINGLOG_CTP_LOG (a file to append one JSON line of figures per passed test).
The long form is scripts/txn_ctp_loop.sh. With RINGLOG_CLUSTER=3 it runs on a 3-broker
cluster: coordinators, data leaders and markers on different brokers, everything with
3 replicas.
"""

import collections
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kafka_helpers import ck_producer
from ringlog_fixture import CLUSTER_SIZE, BrokerTestCase
from txn_transformer import TRANSACTION_TIMEOUT_MS

INPUT_PARTITIONS = 4
OUTPUT_PARTITIONS = 3
KILLS = int(os.environ.get("RINGLOG_CTP_KILLS", "6"))
VALUES = int(os.environ.get("RINGLOG_CTP_VALUES", "3000"))
TRANSFORMER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "txn_transformer.py")
REPLICAS = 3 if CLUSTER_SIZE else 1
# Each transaction's processing takes this long, as an application's would: a transaction
# takes a few milliseconds here, and without it the whole input would be done before the
# kills (and before the second test's second member joins).
PROCESS_DELAY = "--process-delay=0.03"


def transformed(value):
    return b"T(" + value + b")"


class Incarnation:
    """One run of txn_transformer.py, its output (JSON lines) in a file of its own."""

    def __init__(self, bootstrap, topics, group, transactional_id, *options):
        self.out = tempfile.NamedTemporaryFile(prefix="ringlog-ctp-", suffix=".log")
        args = [sys.executable, TRANSFORMER, bootstrap, topics[0], topics[1], group,
                transactional_id] + list(options)
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT)

    def text(self):
        with open(self.out.name, "rb") as f:
            return f.read().decode(errors="replace")

    def events(self):
        found = []
        for line in self.text().splitlines():
            if line.startswith("{"):
                found.append(json.loads(line))
        return found

    def count(self, event):
        return self.text().count('"event": "%s"' % event)

    def committed_records(self):
        return sum(e["records"] for e in self.events() if e["event"] == "commit")

    def wait_for(self, event, timeout, more_than=0, interval=0.01):
        """Until it has said `event` more than `more_than` times."""
        deadline = time.time() + timeout
        while self.count(event) <= more_than:
            if self.proc.poll() is not None:
                raise AssertionError("the transformer exited with %d before '%s':\n%s" %
                                     (self.proc.returncode, event, self.text()[-3000:]))
            if time.time() > deadline:
                raise AssertionError("no '%s' from the transformer within %.0fs:\n%s" %
                                     (event, timeout, self.text()[-3000:]))
            time.sleep(interval)

    def kill(self):
        """SIGKILL; fails if the process had already ended."""
        if self.proc.poll() is not None:
            raise AssertionError("the transformer exited with %d before its kill:\n%s" %
                                 (self.proc.returncode, self.text()[-3000:]))
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        """SIGTERM: it ends between transactions; its exit code."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "hung"

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.out.close()


def read_all(bootstrap, topic, partitions, isolation, timeout=30.0):
    """Every message of `topic` with the given isolation level, read from the beginning up
    to the end each partition had when the read started, in (partition, offset) order."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "ctp-reader",
                         "enable.auto.commit": False, "enable.partition.eof": True,
                         "isolation.level": isolation})
    try:
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
        messages, at_end = [], set()
        deadline = time.time() + timeout
        while len(at_end) < partitions:
            if time.time() > deadline:
                raise AssertionError("%s: partitions %s not read to the end" %
                                     (isolation, sorted(set(range(partitions)) - at_end)))
            for msg in consumer.consume(num_messages=1000, timeout=0.2):
                if msg.error() and msg.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(msg.partition())
                elif msg.error():
                    raise AssertionError("%s read: %s" % (isolation, msg.error()))
                else:
                    messages.append(msg)
        return sorted(messages, key=lambda m: (m.partition(), m.offset()))
    finally:
        consumer.close()


class ConsumeTransformProduceTest(BrokerTestCase):
    BROKER_ARGS = ("--group_initial_rebalance_delay_ms=0", "--offsets_topic_num_partitions=5",
                   "--transaction_state_log_num_partitions=5") + (
        ("--offsets_topic_replication_factor=3", "--transaction_state_log_replication_factor=3",
         "--default_replication_factor=3") if CLUSTER_SIZE else ())

    def setUp(self):
        super().setUp()
        seed = int(os.environ.get("RINGLOG_CTP_SEED") or random.randrange(1 << 30))
        print("\nRINGLOG_CTP_SEED=%d" % seed)
        self.rng = random.Random(seed)
        self.started = time.time()
        self.bootstrap = self.broker.bootstrap
        name = self._testMethodName
        self.topics = ("ctp-in-" + name, "ctp-out-" + name)
        self.group = "ctp-group-" + name
        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        futures = admin.create_topics([NewTopic(self.topics[0], INPUT_PARTITIONS, REPLICAS),
                                       NewTopic(self.topics[1], OUTPUT_PARTITIONS, REPLICAS)])
        for future in futures.values():
            future.result(30)
        self.sources = self.prepopulate()

    def prepopulate(self):
        """VALUES distinct values spread evenly over the input partitions; {value:
        (partition, offset)}."""
        producer = ck_producer(self.bootstrap, **{"enable.idempotence": True, "linger.ms": 5})
        sources, errors = {}, []

        def on_delivery(err, msg):
            if err is not None:
                errors.append(err)
            else:
                sources[msg.value()] = (msg.partition(), msg.offset())

        for i in range(VALUES):
            while True:
                try:
                    producer.produce(self.topics[0], value=b"v-%06d" % i,
                                     partition=i % INPUT_PARTITIONS, on_delivery=on_delivery)
                    break
                except BufferError:
                    producer.poll(0.05)
            producer.poll(0)
        self.assertEqual(producer.flush(30), 0)
        self.assertFalse(errors, errors[:3])
        return sources

    def incarnation(self, transactional_id, *options):
        """txn_transformer.py with `options` (see its usage)."""
        run = Incarnation(self.bootstrap, self.topics, self.group, transactional_id, *options)
        self.addCleanup(run.close)
        return run

    def observer(self):
        """A consumer of the group that never joins it, to read its committed offsets; read
        uncommitted, so that OffsetFetch does not wait for open transactions (require_stable)."""
        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": self.group,
                             "enable.auto.commit": False, "isolation.level": "read_uncommitted"})
        self.addCleanup(consumer.close)
        return consumer

    def end_offsets(self, consumer):
        return {p: consumer.get_watermark_offsets(TopicPartition(self.topics[0], p), timeout=10)[1]
                for p in range(INPUT_PARTITIONS)}

    def committed(self, consumer):
        answer = consumer.committed([TopicPartition(self.topics[0], p)
                                     for p in range(INPUT_PARTITIONS)], timeout=10)
        return {tp.partition: tp.offset for tp in answer}

    def wait_for_whole_input(self, incarnations, timeout=60.0):
        """Until the group has committed the input's end offsets; fails if a transformer
        exits meanwhile."""
        observer = self.observer()
        ends = self.end_offsets(observer)
        deadline = time.time() + timeout
        while True:
            committed = self.committed(observer)
            if committed == ends:
                return committed, ends
            for run in incarnations:
                if run.proc.poll() is not None:
                    self.fail("the transformer exited with %d:\n%s" % (run.proc.returncode,
                                                                      run.text()[-3000:]))
            if time.time() > deadline:
                self.fail("the group committed %s of %s within %.0fs:\n%s" % (
                    committed, ends, timeout, "\n".join(r.text()[-1500:] for r in incarnations)))
            time.sleep(0.1)

    def check_output(self):
        """The read_committed and read_uncommitted views of the output; the figures."""
        # The last transaction's markers may still be on their way: wait for the last
        # stable offsets to reach the high watermarks before reading.
        committed_view = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "ctp-lso",
                                   "isolation.level": "read_committed"})
        uncommitted_view = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "ctp-hw",
                                     "isolation.level": "read_uncommitted"})
        self.addCleanup(committed_view.close)
        self.addCleanup(uncommitted_view.close)
        deadline = time.time() + 30
        for p in range(OUTPUT_PARTITIONS):
            tp = TopicPartition(self.topics[1], p)
            while (committed_view.get_watermark_offsets(tp, timeout=10)[1] !=
                   uncommitted_view.get_watermark_offsets(tp, timeout=10)[1]):
                self.assertLess(time.time(), deadline, "output partition %d: LSO < HW" % p)
                time.sleep(0.05)

        committed = read_all(self.bootstrap, self.topics[1], OUTPUT_PARTITIONS, "read_committed")
        counts = collections.Counter(m.value() for m in committed)
        twice = sorted(v for v, n in counts.items() if n > 1)
        if twice:
            self.fail("%d inputs written more than once, e.g. %s" % (len(twice), twice[:3]))
        expected = {transformed(v) for v in self.sources}
        missing = sorted(expected - set(counts))
        if missing:
            self.fail("%d inputs lost, e.g. %s" % (len(missing), missing[:3]))
        self.assertEqual(set(counts), expected, "read_committed")
        # In each output partition, the records of each input partition in input order.
        sources = {transformed(v): at for v, at in self.sources.items()}
        streams = collections.defaultdict(list)
        for msg in committed:
            self.assertEqual(transformed(msg.key()), msg.value())
            partition, offset = sources[msg.value()]
            streams[(partition, msg.partition())].append(offset)
        for (source, output), offsets in streams.items():
            self.assertEqual(offsets, sorted(offsets), "input partition %d's records in output "
                             "partition %d out of order" % (source, output))

        everything = read_all(self.bootstrap, self.topics[1], OUTPUT_PARTITIONS,
                              "read_uncommitted")
        seen = {m.value() for m in everything}
        self.assertEqual(sorted(seen - expected)[:3], [], "read_uncommitted: values never input")
        self.assertEqual(sorted(expected - seen)[:3], [], "read_uncommitted misses committed ones")
        return {"committed_records": len(committed), "uncommitted_records": len(everything),
                "aborted_extras": len(everything) - len(committed)}

    def finish(self, incarnations):
        """Once the group has committed the whole input: the transformers stopped, the
        group's offsets and the output checked; the output's figures."""
        committed, ends = self.wait_for_whole_input(incarnations)
        for run in incarnations:
            self.assertEqual(run.stop(), 0, run.text()[-3000:])
        self.assertEqual(committed, ends, "the group's committed offsets")
        self.assertEqual(self.committed(self.observer()), ends, "after the transformers left")
        return self.check_output()

    def log(self, figures):
        """The test's figures, printed and appended to $RINGLOG_CTP_LOG when it is set."""
        figures.update(test=self._testMethodName, backend=self.broker.backend,
                       brokers=CLUSTER_SIZE or 1, values=VALUES,
                       seconds=round(time.time() - self.started, 1))
        print(json.dumps(figures))
        if os.environ.get("RINGLOG_CTP_LOG"):
            with open(os.environ["RINGLOG_CTP_LOG"], "a") as log:
                log.write(json.dumps(figures) + "\n")

    def test_killed_transformer_restarts_exactly_once(self):
        """One static member, killed KILLS times, each at a random moment of one of: its
        start-up (init_transactions, joining the group, the first fetch); its steady run
        (mostly between a transaction's records and its offsets); its commit (EndTxn sent,
        answered or not; the markers on their way)."""
        moments, records_before_kills = collections.Counter(), 0
        for _ in range(KILLS):
            run = self.incarnation("ctp-txn", "--instance-id=ctp-0", PROCESS_DELAY)
            moment = self.rng.choice(["start", "running", "committing", "committing"])
            moments[moment] += 1
            if moment == "start":
                time.sleep(self.rng.uniform(0.0, 0.5))
            elif moment == "running":
                run.wait_for("commit", 30)
                time.sleep(self.rng.uniform(0.0, 0.5))
            else:
                run.wait_for("commit", 30)
                commits = run.count("committing")
                run.wait_for("committing", 30, more_than=commits, interval=0.0005)
                time.sleep(self.rng.uniform(0.0, 0.015))
            run.kill()
            records_before_kills += run.committed_records()
        last = self.incarnation("ctp-txn", "--instance-id=ctp-0", PROCESS_DELAY)
        figures = self.finish([last])
        self.assertGreater(last.committed_records(), 0,
                           "the input ran out before the last kill: raise RINGLOG_CTP_VALUES")
        figures.update(kills=KILLS, kill_moments=dict(moments),
                       records_committed_before_kills=records_before_kills)
        self.log(figures)

    def test_survivor_waits_for_the_killed_members_pending_offsets(self):
        """Two dynamic members; the second to join pauses between sending a transaction's
        offsets and committing it, and is killed there. Once its session expires the
        survivor is given its partitions, but reads their offsets only after the
        coordinator has aborted that transaction at its timeout (transaction.timeout.ms
        after it began, which was after the victim's assignment); then it goes on from
        the offsets committed before."""
        survivor = self.incarnation("ctp-txn-1", PROCESS_DELAY)
        survivor.wait_for("commit", 30)
        victim = self.incarnation("ctp-txn-0", "--commit-delay=60")
        victim.wait_for("committing", 30)
        killed_at = time.time()
        victim.kill()
        events = victim.events()
        assigned_at = [e["at"] for e in events if e["event"] == "ready"][-1]
        pending = {int(p) for p in events[-1]["offsets"]}
        self.assertEqual(events[-1]["event"], "committing")
        figures = self.finish([survivor])

        events = [e for e in survivor.events() if e["at"] > killed_at]
        taken_over = [e["at"] for e in events if e["event"] == "commit"
                      and pending & {int(p) for p in e["offsets"]}]
        self.assertTrue(taken_over, "the survivor never committed partitions %s" % pending)
        waited = min(taken_over) - assigned_at
        self.assertGreaterEqual(
            waited, TRANSACTION_TIMEOUT_MS / 1000.0,
            "the survivor read partitions %s's offsets while a transaction held them" % pending)
        # librdkafka fetches the offsets of the whole assignment at once: the survivor
        # resumes every partition then, and comes to the pending ones in its own order.
        assigned_all = next(i for i, e in enumerate(events) if e["event"] == "ready")
        resumed = next(e["at"] for e in events[assigned_all:] if e["event"] == "commit")
        figures.update(kills=1, pending_partitions=sorted(pending),
                       survivor_resumed_after_victims_assignment_s=round(resumed - assigned_at, 1),
                       taken_over_after_victims_assignment_s=round(waited, 1))
        self.log(figures)


if __name__ == "__main__":
    unittest.main()
