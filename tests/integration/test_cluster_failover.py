"""Failover on a 3-broker cluster with real clients (issue 16, items 1, 2, 4 and 6), each
case checked on the data afterwards: every acknowledged value is stored exactly once, at the
offset it was acknowledged at.

- kill -9 of a partition leader under an idempotent acks=all producer (confluent-kafka):
  the first live ISR member takes over at a higher leader epoch, the producer goes on, and
  ElectLeaders (API 43, sent by hand to a broker that forwards it to the controller) gives
  the leadership back to the preferred replica once it is in sync again;
- the last replica standing: with the ISR shrunk to one broker, that broker killed -9 and
  the other replica live, the partition stays offline until the last ISR member returns,
  with everything it acknowledged;
- a broker restarted on an empty data directory (once its old registration expired: without
  its data it cannot tell it from another broker's) rejoins as a follower, is never named
  the leader by a state written before it registered, and, caught up, gets its preferred
  leadership back from the periodic rebalance.
"""

import struct
import threading
import time
import unittest

from kafka import KafkaProducer

from cluster_wire import Connection, metadata
from kafka_helpers import ck_consume, ck_producer
from kafka_wire import NO_TAGS, carray, cstring, string
from replication_fixture import ReplicationTestCase

ELECT_LEADERS = 43
UNKNOWN_TOPIC_OR_PARTITION = 3
INVALID_REQUEST = 42
PREFERRED_LEADER_NOT_AVAILABLE = 80
ELECTION_NOT_NEEDED = 84


def elect_leaders(port, partitions, version=2, election_type=0, timeout_ms=10000):
    """ElectLeaders from the broker on `port` for {topic: [partitions]} (None: all):
    (top-level error or None for v0, {(topic, partition): error_code})."""
    flexible = version >= 2
    if flexible:
        topics = None if partitions is None else [
            cstring(t) + carray([struct.pack(">i", p) for p in ps]) + NO_TAGS
            for t, ps in partitions.items()]
        body = struct.pack(">b", election_type) + carray(topics) + struct.pack(">i", timeout_ms)
        body += NO_TAGS
    else:
        body = struct.pack(">b", election_type) if version >= 1 else b""
        if partitions is None:
            body += struct.pack(">i", -1)
        else:
            body += struct.pack(">i", len(partitions))
            for t, ps in partitions.items():
                body += string(t) + struct.pack(">i", len(ps)) + b"".join(
                    struct.pack(">i", p) for p in ps)
        body += struct.pack(">i", timeout_ms)
    with Connection(port, timeout=30) as conn:
        r = conn.call(ELECT_LEADERS, version, body, flexible=flexible)
    r.take(">i")  # throttle
    top = r.take(">h") if version >= 1 else None
    results = {}

    def partition(r, topic):
        index, error = r.take(">ih")
        r.cstring() if flexible else r.string()
        if flexible:
            r.tags()
        results[(topic, index)] = error

    def topic(r):
        name = r.cstring() if flexible else r.string()
        if flexible:
            r.carray(lambda r: partition(r, name))
            r.tags()
        else:
            for _ in range(r.take(">i")):
                partition(r, name)

    if flexible:
        r.carray(topic)
    else:
        for _ in range(r.take(">i")):
            topic(r)
    return top, results


class Producing:
    """An idempotent acks=all confluent-kafka producer writing unique values to `topic` on
    its own thread until stopped; every acknowledgement is recorded as value -> (partition,
    offset), every failed delivery kept."""

    def __init__(self, bootstrap, topic, prefix):
        self.producer = ck_producer(bootstrap, acks="all", **{
            "enable.idempotence": True, "linger.ms": 5, "message.timeout.ms": 60000,
            "retry.backoff.ms": 100})
        self.topic, self.prefix = topic, prefix
        self.acked, self.failed = {}, []
        self.sent = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def on_delivery(self, err, msg):
        if err is not None:
            self.failed.append(err)
        else:
            self.acked[msg.value()] = (msg.partition(), msg.offset())

    def run(self):
        while not self.stopping.is_set():
            try:
                self.producer.produce(self.topic, value=b"%s-%d" % (self.prefix, self.sent),
                                      on_delivery=self.on_delivery)
                self.sent += 1
            except BufferError:
                pass
            self.producer.poll(0.002)

    def acked_count(self):
        return len(self.acked)

    def stop(self, timeout=60):
        self.stopping.set()
        self.thread.join()
        remaining = self.producer.flush(timeout)
        return remaining


class FailoverTestCase(ReplicationTestCase):
    """The data check of every case."""

    def assert_stored_once(self, topic, acked):
        """Every acknowledged value is stored once, at the offset it was acknowledged at."""
        stored = ck_consume(self.cluster.bootstrap(), topic, timeout=30)
        seen = {}
        for m in stored:
            self.assertNotIn(m.value(), seen, "%r is stored twice" % m.value())
            seen[m.value()] = (m.partition(), m.offset())
        lost = [v for v in acked if v not in seen]
        self.assertEqual(lost[:5], [], "%d acknowledged values lost" % len(lost))
        moved = [(v, acked[v], seen[v]) for v in acked if seen[v] != acked[v]]
        self.assertEqual(moved[:5], [], "values not where they were acknowledged")


class FailoverTest(FailoverTestCase):
    BROKER_ARGS = ("--replica_lag_time_max_ms=5000", "--min_insync_replicas=2")

    def test_kill_9_of_a_leader_then_elect_the_preferred_one_back(self):
        ids = self.cluster.ids
        topic = "failover"
        self.create_topic(topic, {p: ids[p:] + ids[:p] for p in range(3)})
        for p in range(3):
            self.wait_isr(topic, p, ids)
        controller = self.cluster.controller_id()
        victim = next(i for i in ids if i != controller)
        partition = ids.index(victim)  # the partition the victim prefers and leads
        before, _ = self.zk_state(topic, partition)
        self.assertEqual(before["leader"], victim)

        producing = Producing(self.cluster.bootstrap(), topic, b"a")
        self.wait_until(lambda: producing.acked_count() > 300, 30, "acknowledgements")
        self.cluster.kill(victim)
        killed_at = time.time()
        self.wait_until(lambda: self.cluster.leaders(topic)[partition] not in (victim, -1), 20,
                        "a successor of broker %d" % victim)
        after, _ = self.zk_state(topic, partition)
        successor = after["leader"]
        self.assertIn(successor, before["isr"])
        # The first live ISR member in assignment order.
        self.assertEqual(successor, (ids[partition:] + ids[:partition])[1])
        self.assertGreater(after["leader_epoch"], before["leader_epoch"])
        self.assertNotIn(victim, after["isr"])
        acked_then = producing.acked_count()
        self.wait_until(lambda: producing.acked_count() > acked_then + 300, 30,
                        "acknowledgements after the failover")
        print("successor %d of broker %d elected; producing again %.1f s after kill -9" % (
            successor, victim, time.time() - killed_at))

        self.cluster.start_broker(victim)
        self.wait_isr(topic, partition, ids, timeout=30)
        # Asked at a broker that is not the controller, which forwards it.
        other = next(i for i in self.cluster.live_ids
                     if i not in (victim, self.cluster.controller_id()))
        port = self.cluster.broker(other).port
        top, results = elect_leaders(port, {topic: [partition, 9], "no-such": [0]})
        self.assertEqual(top, 0)
        self.assertEqual(results, {(topic, partition): 0, (topic, 9): UNKNOWN_TOPIC_OR_PARTITION,
                                   ("no-such", 0): UNKNOWN_TOPIC_OR_PARTITION})
        # Answered once this broker sees it.
        self.assertEqual(self.metadata_partition(other, topic, partition)["leader"], victim)
        state, _ = self.zk_state(topic, partition)
        self.assertEqual(state["leader"], victim)
        self.assertGreater(state["leader_epoch"], after["leader_epoch"])
        for version in (0, 1):
            top, results = elect_leaders(port, {topic: [partition]}, version=version)
            self.assertEqual(results, {(topic, partition): ELECTION_NOT_NEEDED})
            self.assertEqual(top, None if version == 0 else 0)
        _, results = elect_leaders(port, {topic: [partition]}, election_type=1)
        self.assertEqual(results, {(topic, partition): ELECTION_NOT_NEEDED})
        top, results = elect_leaders(port, {topic: [partition]}, election_type=7)
        self.assertEqual((top, results), (INVALID_REQUEST, {(topic, partition): INVALID_REQUEST}))
        self.assertEqual(elect_leaders(port, None), (0, {}))

        self.assertEqual(producing.stop(), 0)
        self.assertEqual(producing.failed, [])
        self.assert_stored_once(topic, producing.acked)

    def test_last_replica_standing_keeps_the_partition_offline(self):
        topic = "standing"
        leader, other = [i for i in self.cluster.ids if i != self.cluster.controller_id()][:2]
        self.create_topic(topic, {0: [leader, other]}, {"min.insync.replicas": "1"})
        self.wait_isr(topic, 0, [leader, other])
        self.cluster.pause(other)
        self.wait_until(lambda: self.zk_state(topic, 0)[0]["isr"] == [leader], 20,
                        "the ISR shrunk to broker %d" % leader)
        producer = KafkaProducer(bootstrap_servers=self.cluster.bootstrap(leader), acks="all",
                                 retries=5)
        acked = {}
        for i in range(200):
            value = b"s-%d" % i
            meta = producer.send(topic, value=value, partition=0).get(timeout=20)
            acked[value] = (meta.partition, meta.offset)
        producer.close()

        self.cluster.kill(leader)
        self.wait_until(lambda: self.zk_state(topic, 0)[0]["leader"] == -1, 20,
                        "partition offline")
        self.cluster.resume(other)
        self.wait_until(lambda: other in self.cluster.registered_ids(), 20,
                        "broker %d registered again" % other)
        time.sleep(1.5)
        state, _ = self.zk_state(topic, 0)
        self.assertEqual((state["leader"], state["isr"]), (-1, [leader]),
                         "a replica out of the ISR was elected")
        answer = metadata(self.cluster.broker(other).port, [topic])["topics"][topic]
        self.assertEqual(answer["partitions"][0]["leader"], -1)

        self.cluster.start_broker(leader)
        self.wait_for_leaders(topic, 1)
        self.assertEqual(self.zk_state(topic, 0)[0]["leader"], leader)
        self.assert_stored_once(topic, acked)
        self.wait_isr(topic, 0, [leader, other], timeout=30)


class EmptyDiskTest(FailoverTestCase):
    BROKER_ARGS = ("--replica_lag_time_max_ms=5000", "--min_insync_replicas=2",
                   "--leader_imbalance_check_interval_seconds=1")

    def test_a_broker_that_lost_its_disk_catches_up_before_it_leads(self):
        ids = self.cluster.ids
        topic = "lost-disk"
        self.create_topic(topic, {p: ids[p:] + ids[:p] for p in range(3)})
        for p in range(3):
            self.wait_isr(topic, p, ids)
        controller = self.cluster.controller_id()
        victim = next(i for i in ids if i != controller)
        preferred = ids.index(victim)
        producing = Producing(self.cluster.bootstrap(), topic, b"d")
        self.wait_until(lambda: producing.acked_count() > 500, 30, "acknowledgements")

        self.cluster.kill(victim)
        self.cluster.wipe(victim)
        # A broker without its data does not know its last session, and (as Kafka's) does
        # not start while that session's registration holds its id.
        self.wait_until(lambda: victim not in self.cluster.registered_ids(), 20,
                        "the registration of broker %d expired" % victim)
        self.cluster.start_broker(victim)
        registered = self.wait_until(
            lambda: self.cluster.znode("/brokers/ids/%d" % victim)[1], 20,
            "broker %d registered again" % victim)
        # From its registration on, a state naming it leader or in sync was written after it.
        premature = []
        deadline = time.time() + 30
        while time.time() < deadline:
            states = self.cluster.partition_states(topic)
            for p, (state, stat) in states.items():
                if (victim == state["leader"] or victim in state["isr"]) and \
                        stat.mzxid < registered.czxid:
                    if state["leader"] == victim:
                        premature.append((p, state))
            if all(sorted(s["isr"]) == ids for s, _ in states.values()) and \
                    states[preferred][0]["leader"] == victim:
                break
            time.sleep(0.02)
        self.assertEqual(premature, [], "led by a state of before its restart")
        for p in range(3):
            self.wait_isr(topic, p, ids, timeout=30)
        self.wait_until(lambda: self.cluster.leaders(topic)[preferred] == victim, 20,
                        "broker %d leading its preferred partition again" % victim)

        acked_then = producing.acked_count()
        self.wait_until(lambda: producing.acked_count() > acked_then + 200, 30,
                        "acknowledgements after the rejoin")
        self.assertEqual(producing.stop(), 0)
        self.assertEqual(producing.failed, [])
        self.assert_stored_once(topic, producing.acked)
        self.assert_replicas_identical([(topic, preferred)], [victim] + [
            i for i in ids if i != victim])


if __name__ == "__main__":
    unittest.main()
