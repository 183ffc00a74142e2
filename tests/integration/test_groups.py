"""Consumer groups with kafka-python 2.0.2: three consumer processes share a topic's
partitions (each message read once, every member busy), the others take over when a
member leaves or is killed, and two groups on one topic each read everything.

Each consumer process is this file run as a script ("worker" mode): it consumes, commits
after every poll and reports its assignment and records as JSON lines on stdout.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from ringlog_fixture import BrokerTestCase

PARTITIONS = 6
SESSION_TIMEOUT_MS = 6000


def consumer_config(bootstrap, group):
    return dict(bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                enable_auto_commit=False, session_timeout_ms=SESSION_TIMEOUT_MS,
                heartbeat_interval_ms=500, max_poll_interval_ms=10000)


def run_worker(bootstrap, group, topic):
    """A group member until SIGTERM, which closes it cleanly (LeaveGroup)."""
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())

    def emit(**event):
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()

    consumer = KafkaConsumer(topic, **consumer_config(bootstrap, group))
    reported = None
    while not stopping.is_set():
        batches = consumer.poll(timeout_ms=100)
        for records in batches.values():
            for r in records:
                emit(record=[r.partition, r.offset, r.value.decode()])
        if batches:
            try:
                consumer.commit()
            except Exception as e:  # a rebalance got in between: at-least-once
                emit(commit_failed=str(e))
        assignment = sorted(tp.partition for tp in consumer.assignment())
        if assignment != reported:
            emit(assigned=assignment)
            reported = assignment
    consumer.close()
    emit(closed=True)


class Worker:
    """One consumer process and what it reported so far."""

    def __init__(self, bootstrap, group, topic):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "worker",
                                      bootstrap, group, topic],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.lock = threading.Lock()
        self.assigned = []
        self.records = []
        self.closed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            event = json.loads(line)
            with self.lock:
                if "assigned" in event:
                    self.assigned = event["assigned"]
                elif "record" in event:
                    self.records.append(tuple(event["record"]))
                elif "closed" in event:
                    self.closed = True

    def snapshot(self):
        with self.lock:
            return list(self.assigned), list(self.records), self.closed

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)
        self.proc.stdout.close()


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class GroupTestCase(BrokerTestCase):
    BROKER_ARGS = ("--group_initial_rebalance_delay_ms=300",)

    def create_topic(self, name, partitions):
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        try:
            admin.create_topics([NewTopic(name, partitions, 1)])
        finally:
            admin.close()

    def produce(self, topic, values, partitions=PARTITIONS):
        producer = KafkaProducer(bootstrap_servers=self.broker.bootstrap, acks="all")
        try:
            for i, value in enumerate(values):
                producer.send(topic, value.encode(), partition=i % partitions)
            producer.flush(15)
        finally:
            producer.close()

    def start_workers(self, count, group, topic):
        workers = [Worker(self.broker.bootstrap, group, topic) for _ in range(count)]
        for w in workers:
            self.addCleanup(w.stop, signal.SIGKILL)
        self.wait_partitioned(workers, 30)
        return workers

    def wait_partitioned(self, workers, timeout):
        """Until each of `workers` owns partitions and together they own each one once."""
        def partitioned():
            owned = [w.snapshot()[0] for w in workers]
            flat = sorted(p for ps in owned for p in ps)
            return all(owned) and flat == list(range(PARTITIONS))
        wait_for(partitioned, timeout, "every partition to have exactly one owner")

    def wait_records(self, workers, values, timeout):
        """The records of `values` as (worker index, partition, offset), once all arrived."""
        wanted = set(values)

        def seen():
            return {r[2] for w in workers for r in w.snapshot()[1]}
        wait_for(lambda: wanted <= seen(), timeout, "%d records to be consumed" % len(wanted))
        return [(i, r[0], r[1]) for i, w in enumerate(workers) for r in w.snapshot()[1]
                if r[2] in wanted]


class ThreeConsumerProcessesTest(GroupTestCase):
    def test_each_message_goes_to_exactly_one_member(self):
        self.create_topic("shared", PARTITIONS)
        workers = self.start_workers(3, "trio", "shared")
        values = ["m%d" % i for i in range(300)]
        self.produce("shared", values)
        consumed = self.wait_records(workers, values, 30)
        self.assertEqual(len(consumed), 300, "a message was read by two members")
        for i in range(3):
            self.assertTrue(any(c[0] == i for c in consumed), "member %d read nothing" % i)
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        try:
            group = admin.describe_consumer_groups(["trio"])[0]
        finally:
            admin.close()
        self.assertEqual(group.state, "Stable")
        self.assertEqual(group.protocol_type, "consumer")
        self.assertEqual(len(group.members), 3)

    def check_takeover(self, how):
        self.create_topic("handover", PARTITIONS)
        workers = self.start_workers(3, "handover-group", "handover")
        before = ["before-%d" % i for i in range(60)]
        self.produce("handover", before)
        self.wait_records(workers, before, 30)
        workers[2].stop(how)
        survivors = workers[:2]
        # A closed member leaves at once; a killed one only when its session expires.
        self.wait_partitioned(survivors, SESSION_TIMEOUT_MS / 1000 + 20)
        after = ["after-%d" % i for i in range(60)]
        self.produce("handover", after)
        consumed = self.wait_records(survivors, after, 30)
        self.assertEqual(len(consumed), 60)
        return workers[2]

    def test_a_member_that_leaves_hands_over_its_partitions(self):
        leaver = self.check_takeover(signal.SIGTERM)
        self.assertTrue(leaver.snapshot()[2], "the member did not close cleanly")

    def test_a_killed_member_is_replaced_after_its_session_timeout(self):
        self.check_takeover(signal.SIGKILL)


class TwoGroupsTest(GroupTestCase):
    def test_each_group_reads_every_message(self):
        self.create_topic("fanout", 2)
        values = ["f%d" % i for i in range(50)]
        self.produce("fanout", values, partitions=2)
        consumers = {g: KafkaConsumer("fanout", **consumer_config(self.broker.bootstrap, g))
                     for g in ("group-a", "group-b")}
        try:
            seen = {g: [] for g in consumers}
            deadline = time.time() + 30
            while any(len(s) < 50 for s in seen.values()) and time.time() < deadline:
                for g, consumer in consumers.items():
                    for records in consumer.poll(timeout_ms=100).values():
                        seen[g].extend(r.value.decode() for r in records)
            for g in consumers:
                self.assertEqual(sorted(seen[g]), sorted(values), g)
        finally:
            for consumer in consumers.values():
                consumer.close()


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "worker":
    run_worker(*sys.argv[2:])
elif __name__ == "__main__":
    unittest.main()
