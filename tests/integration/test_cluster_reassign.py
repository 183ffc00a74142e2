"""Reassignment and online scale-out (issue 16, item 5): a 3-broker cluster holds a
6-partition topic with 3 replicas while an idempotent acks=all producer (librdkafka) writes
and a consumer group reads; a 4th broker starts, and `ringlog reassign --execute` spreads the
partitions and their leaders over the 4 brokers (AlterPartitionReassignments): the new
replicas catch up and join the ISR, the moves finish, the removed replicas delete their
records. ListPartitionReassignments shows the moves while the new broker is held back.
Nothing acknowledged is lost or stored twice, and every value the consumer saw is in the
final log where it saw it. Bad requests get Kafka's error codes, bad command lines the
command's exit codes. Runs on both backends: the removed replicas' records go through the
storage."""

import collections
import json
import os
import subprocess
import threading
import time

from confluent_kafka import Consumer

from cluster_wire import (INVALID_REPLICA_ASSIGNMENT, NO_REASSIGNMENT_IN_PROGRESS, NONE,
                          UNKNOWN_TOPIC_OR_PARTITION, alter_partition_reassignments,
                          list_offsets, list_partition_reassignments)
from idempotent_checks import check_exactly_once, keyed_message
from kafka_helpers import ck_consume, ck_producer
from replication_fixture import ReplicationTestCase
from ringlog_fixture import BINARY, Broker

TOPIC = "grow"
PARTITIONS = 6
KEYS = 12
NEW_BROKER = 4


def run_reassign(*args, timeout=120):
    """`ringlog reassign` with `args`: (exit code, stdout, stderr)."""
    proc = subprocess.run([BINARY, "reassign"] + list(args), capture_output=True, text=True,
                          timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


class Workload:
    """An idempotent acks=all producer and a consumer group, each on its own thread, until
    stop(): what the producer had acknowledged ({value: (partition, offset)}) and what the
    consumer saw ([(partition, offset, value)])."""

    def __init__(self, bootstrap):
        self.bootstrap = bootstrap
        self.delivered, self.errors, self.seen = {}, [], []
        self.sent = 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.produce), threading.Thread(target=self.consume)]
        for thread in self.threads:
            thread.start()

    def produce(self):
        producer = ck_producer(self.bootstrap, **{
            "enable.idempotence": True, "acks": "all", "linger.ms": 5,
            "message.timeout.ms": 60000, "retry.backoff.ms": 20,
            "topic.metadata.refresh.interval.ms": 500})

        def on_delivery(err, msg):
            if err is not None:
                self.errors.append(err)
            else:
                self.delivered[msg.value()] = (msg.partition(), msg.offset())

        while not self.stopping.is_set():
            if self.sent - len(self.delivered) - len(self.errors) >= 500:
                producer.poll(0.01)
                continue
            key, value = keyed_message(self.sent, KEYS)
            try:
                # Keys spread over every partition, two each.
                producer.produce(TOPIC, key=key, value=value, partition=self.sent % KEYS % PARTITIONS,
                                 on_delivery=on_delivery)
                self.sent += 1
            except BufferError:
                producer.poll(0.01)
            producer.poll(0)
            time.sleep(0.001)
        self.unflushed = producer.flush(60)

    def consume(self):
        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "grow-readers",
                             "auto.offset.reset": "earliest", "enable.auto.commit": True,
                             "topic.metadata.refresh.interval.ms": 500})
        consumer.subscribe([TOPIC])
        try:
            while not self.stopping.is_set():
                for msg in consumer.consume(num_messages=500, timeout=0.2):
                    if not msg.error():
                        self.seen.append((msg.partition(), msg.offset(), msg.value()))
        finally:
            consumer.close()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(120)


class ReassignTest(ReplicationTestCase):
    # Broker 4 is held back (SIGSTOP) for a moment while its moves are listed: its session
    # outlives that.
    SESSION_TIMEOUT_MS = 6000

    def add_broker(self, broker_id):
        broker = Broker(self.cluster.broker_args(broker_id) + self.cluster.extra_args)
        self.cluster.brokers[broker_id] = broker
        broker.start()
        self.cluster.wait_ready()
        return broker

    def assignment(self, topic):
        """(partitions, adding, removing) of the topic's assignment znode, keys as ints."""
        data, _ = self.cluster.znode_json("/brokers/topics/" + topic)

        def ints(lists):
            return {int(p): r for p, r in (lists or {}).items()}

        return (ints(data["partitions"]), ints(data.get("adding_replicas")),
                ints(data.get("removing_replicas")))

    def records_of(self, broker_id, topic, partition):
        """(log start, log end) of a partition in a stopped broker's storage, read by starting
        it alone (no ZooKeeper) on its data directory."""
        alone = Broker(data_dir=self.cluster.broker(broker_id).data_dir).start()
        try:
            start = list_offsets(alone.port, topic, partition, timestamp=-2)
            end = list_offsets(alone.port, topic, partition, timestamp=-1)
            self.assertEqual((start[0], end[0]), (NONE, NONE))
            return start[1], end[1]
        finally:
            alone.stop()

    def test_scale_out_under_load(self):
        rotation = [[1, 2, 3], [2, 3, 1], [3, 1, 2]]
        self.create_topic(TOPIC, {p: rotation[p % 3] for p in range(PARTITIONS)},
                          configs={"min.insync.replicas": "2"})
        before, _, _ = self.assignment(TOPIC)
        work = Workload(self.cluster.bootstrap())
        try:
            self.wait_until(lambda: len(work.delivered) > 300 and len(work.seen) > 100, 30,
                            "the producer and the consumer under way")
            self.add_broker(NEW_BROKER)
            port = self.cluster.broker(1).port
            bootstrap = "--bootstrap_server=127.0.0.1:%d" % port

            code, out, err = run_reassign("--generate", bootstrap)
            self.assertEqual(code, 0, err)
            plan = json.loads(out.split("Proposed partition reassignment configuration")[1]
                              .split("\n", 1)[1])
            moved = {(p["topic"], p["partition"]): p["replicas"] for p in plan["partitions"]}
            self.assertTrue(moved, out)
            self.assertTrue(all(NEW_BROKER in r for r in moved.values()), out)

            # Held back, broker 4 cannot catch up: the moves stay in progress.
            self.cluster.pause(NEW_BROKER)
            code, out, err = run_reassign("--execute", bootstrap)
            self.assertEqual(code, 0, err)
            self.assertIn("Successfully started partition reassignments", out)
            error, _, ongoing = list_partition_reassignments(self.cluster.broker(2).port)
            self.assertEqual(error, NONE)
            self.assertEqual(sorted(ongoing), sorted(moved))
            for (topic, partition), move in ongoing.items():
                self.assertEqual(move["adding"], [NEW_BROKER])
                self.assertEqual(len(move["removing"]), 1)
                self.assertEqual(move["replicas"][:3], moved[(topic, partition)])
            _, adding, removing = self.assignment(TOPIC)
            self.assertEqual(sorted(adding), sorted(p for _, p in moved))
            self.assertEqual(sorted(removing), sorted(p for _, p in moved))
            error, _, only = list_partition_reassignments(port, {TOPIC: [0, 1]})
            self.assertEqual(error, NONE)
            self.assertEqual(sorted(only), sorted(k for k in moved if k[1] in (0, 1)))
            self.cluster.resume(NEW_BROKER)

            acknowledged_before = len(work.delivered)
            code, out, err = run_reassign("--verify", bootstrap, "--verify_timeout_ms=60000")
            self.assertEqual(code, 0, err + self.cluster.log_tails())
            self.assertEqual(list_partition_reassignments(port)[2], {})
            self.wait_until(lambda: len(work.delivered) > acknowledged_before + 300, 30,
                            "the producer to go on after the moves")
        finally:
            work.stop()

        after, adding, removing = self.assignment(TOPIC)
        self.assertEqual((adding, removing), ({}, {}))
        replicas_per_broker = collections.Counter(b for r in after.values() for b in r)
        self.assertEqual(sorted(replicas_per_broker), [1, 2, 3, 4])
        self.assertLessEqual(max(replicas_per_broker.values()) - min(replicas_per_broker.values()),
                             1, after)
        self.assertTrue(all(len(r) == 3 for r in after.values()), after)
        leaders = self.wait_for_leaders(TOPIC, PARTITIONS)
        self.assertEqual(leaders, {p: r[0] for p, r in after.items()}, "preferred leaders lead")
        leads = collections.Counter(leaders.values())
        self.assertEqual(sorted(leads), [1, 2, 3, 4], leaders)
        self.assertLessEqual(max(leads.values()) - min(leads.values()), 1, leaders)
        for p in range(PARTITIONS):
            self.wait_isr(TOPIC, p, after[p], timeout=30)

        self.assertEqual(work.unflushed, 0, "undelivered messages")
        self.assertFalse(work.errors, "delivery failures: %s" % work.errors[:3])
        stored = [(m.partition(), m.offset(), m.key(), m.value())
                  for m in ck_consume(self.cluster.bootstrap(), TOPIC, work.sent, timeout=60)]
        check_exactly_once(self, stored, [keyed_message(i, KEYS) for i in range(work.sent)],
                           PARTITIONS, work.delivered)
        stored_at = {(p, o): v for p, o, _, v in stored}
        wrong = [s for s in work.seen if stored_at.get((s[0], s[1])) != s[2]]
        self.assertFalse(wrong, "the consumer saw values the final log does not hold there")

        # Every removed replica deleted its records, durably: its storage, opened alone,
        # holds none of them, and still holds the partitions it kept.
        removed = {(p, b) for p in range(PARTITIONS) for b in set(before[p]) - set(after[p])}
        self.assertTrue(removed)
        for partition, broker in sorted(removed):
            self.wait_until(
                lambda: "deleted the records" in self.cluster.broker(broker).output() and
                ("%s-%d" % (TOPIC, partition)) in self.cluster.broker(broker).output(),
                20, "broker %d to delete %s-%d" % (broker, TOPIC, partition))
        partition, broker = sorted(removed)[0]
        kept = next(p for p in range(PARTITIONS) if broker in after[p])
        self.cluster.stop(broker)
        self.assertEqual(self.records_of(broker, TOPIC, partition), (0, 0))
        self.assertGreater(self.records_of(broker, TOPIC, kept)[1], 0)

    def test_bad_requests_and_cancellation(self):
        self.create_topic(TOPIC, {0: [1, 2, 3], 1: [2, 3, 1]})
        controller = self.cluster.controller_id()
        for port in (self.cluster.broker(controller).port,
                     self.cluster.broker(self.non_controllers()[0]).port):
            error, _, results = alter_partition_reassignments(port, {
                ("nosuch", 0): [1, 2, 3],
                (TOPIC, 7): [1, 2, 3],
                (TOPIC, 0): [1, 2, 9],
                (TOPIC, 1): [1, 1, 2],
            })
            self.assertEqual(error, NONE)
            self.assertEqual({k: v[0] for k, v in results.items()}, {
                ("nosuch", 0): UNKNOWN_TOPIC_OR_PARTITION,
                (TOPIC, 7): UNKNOWN_TOPIC_OR_PARTITION,
                (TOPIC, 0): INVALID_REPLICA_ASSIGNMENT,
                (TOPIC, 1): INVALID_REPLICA_ASSIGNMENT,
            })
            self.assertIn("9", results[(TOPIC, 0)][1])
            error, _, results = alter_partition_reassignments(port, {
                (TOPIC, 0): [], (TOPIC, 1): None})
            self.assertEqual(results[(TOPIC, 0)][0], INVALID_REPLICA_ASSIGNMENT)
            self.assertEqual(results[(TOPIC, 1)][0], NO_REASSIGNMENT_IN_PROGRESS)
        self.assertEqual(self.assignment(TOPIC), ({0: [1, 2, 3], 1: [2, 3, 1]}, {}, {}))

        # A move onto a broker held back stays in progress until cancelled; the cancellation
        # restores the replica set (in the move's order, as Kafka does) and the ISR.
        self.add_broker(NEW_BROKER)
        self.cluster.pause(NEW_BROKER)
        port = self.cluster.broker(1).port
        error, _, results = alter_partition_reassignments(port, {(TOPIC, 0): [4, 2, 3]})
        self.assertEqual((error, results[(TOPIC, 0)][0]), (NONE, NONE))
        self.assertEqual(list_partition_reassignments(port)[2], {
            (TOPIC, 0): dict(replicas=[4, 2, 3, 1], adding=[4], removing=[1])})
        error, _, results = alter_partition_reassignments(port, {(TOPIC, 0): None})
        self.assertEqual((error, results[(TOPIC, 0)][0]), (NONE, NONE))
        self.cluster.resume(NEW_BROKER)
        self.assertEqual(list_partition_reassignments(port)[2], {})
        self.assertEqual(self.assignment(TOPIC), ({0: [2, 3, 1], 1: [2, 3, 1]}, {}, {}))
        self.wait_isr(TOPIC, 0, [1, 2, 3])

        # A new order of the same replicas ends at once, its first replica leading.
        error, _, results = alter_partition_reassignments(port, {(TOPIC, 1): [3, 1, 2]})
        self.assertEqual((error, results[(TOPIC, 1)][0]), (NONE, NONE))
        self.wait_until(lambda: self.cluster.leaders(TOPIC).get(1) == 3, 10, "broker 3 to lead")

    def test_command_line_errors(self):
        self.create_topic(TOPIC, {0: [1, 2, 3]})
        bootstrap = "--bootstrap_server=127.0.0.1:%d" % self.cluster.broker(1).port
        code, _, err = run_reassign(bootstrap)
        self.assertEqual(code, 2)
        self.assertIn("--generate, --execute or --verify", err)
        code, _, err = run_reassign("--generate", "--bootstrap_server=nocolon")
        self.assertEqual(code, 2)
        plan_path = os.path.join(self.cluster.broker(1).data_dir, "..", "plan-%d.json" % os.getpid())
        self.addCleanup(lambda: os.path.exists(plan_path) and os.remove(plan_path))
        with open(plan_path, "w") as f:
            f.write('{"version":1,"partitions":[{"topic":"grow"}]}')
        code, _, err = run_reassign("--execute", bootstrap, "--plan=" + plan_path)
        self.assertEqual(code, 2)
        self.assertIn("partition number", err)
        with open(plan_path, "w") as f:
            json.dump({"version": 1, "partitions": [
                {"topic": "nosuch", "partition": 0, "replicas": [1, 2, 3]},
                {"topic": TOPIC, "partition": 0, "replicas": [1, 2, 7]}]}, f)
        code, _, err = run_reassign("--execute", bootstrap, "--plan=" + plan_path)
        self.assertEqual(code, 1)
        self.assertIn("UNKNOWN_TOPIC_OR_PARTITION (3)", err)
        self.assertIn("INVALID_REPLICA_ASSIGNMENT (39)", err)
        code, _, err = run_reassign("--generate", bootstrap, "--brokers=1,2")
        self.assertEqual(code, 2)
        self.assertIn("cannot hold", err)
        code, out, err = run_reassign("--generate", bootstrap)
        self.assertEqual(code, 0, err)
        self.assertIn("(0 partitions move)", out)


if __name__ == "__main__":
    import unittest
    unittest.main()
