"""Controlled shutdown (issue 16, item 3): SIGTERM to a broker that leads partitions of a
topic with 3 replicas and min.insync.replicas=2, while librdkafka (confluent-kafka) produces
to it with enable.idempotence and acks=all. The broker asks the controller
(ControlledShutdown) to move its leaderships to other in-sync replicas, keeps serving until
they moved, then stops cleanly (exit code 0): the producer sees no failed delivery, every
acknowledged value is stored exactly once where its delivery report says, the leaderships
moved within a second of the signal and before the broker left (the state znodes were
written before its registration went), and the broker restarts and rejoins every ISR. The
same holds when the broker is the controller itself, and a shutdown whose controller does
not answer gives up after --controlled_shutdown_timeout_ms, or sooner on a second SIGTERM,
and stops cleanly all the same.

ControlledShutdown on the wire, as a broker's own request would be: version 0 with request
header v0 (no client id); NOT_CONTROLLER from a broker that is not the controller;
BROKER_NOT_AVAILABLE for an unregistered broker id; STALE_BROKER_EPOCH for an epoch that is
not the broker's registration (its czxid)."""

import struct
import threading
import time
import unittest

from cluster_wire import NONE, NOT_CONTROLLER, Connection
from idempotent_checks import RecordingProducer, check_exactly_once
from kafka_helpers import ck_consume
from kafka_wire import Reader, read_exact
from replication_fixture import ReplicationTestCase

TOPIC = "shut"
PARTITIONS = 6
KEYS = 16  # spread over all 6 partitions by librdkafka's CRC32 partitioner
MAX_UNACKNOWLEDGED = 1000
BROKER_NOT_AVAILABLE = 8
STALE_BROKER_EPOCH = 77
CONTROLLED_SHUTDOWN = 7
# How soon the leaderships must move after the signal. The target is 1 s (issue 16), met
# with room on an idle machine (about 0.1-0.3 s); the bound leaves room for a CI machine
# busy with other tests, whose ZooKeeper writes may take a hundred milliseconds each. The
# figure is printed.
MOVE_BOUND_S = 2.0


def controlled_shutdown(port, version, broker_id, broker_epoch=-1):
    """(error code, [(topic, partition)] still led) of ControlledShutdown `version` sent to
    the broker on `port`."""
    body = struct.pack(">i", broker_id)
    if version >= 2:
        body += struct.pack(">q", broker_epoch)
    flexible = version >= 3
    if flexible:
        body += b"\x00"
    with Connection(port) as conn:
        if version == 0:
            # Request header v0: no client id.
            conn.correlation_id += 1
            header = struct.pack(">hhi", CONTROLLED_SHUTDOWN, 0, conn.correlation_id)
            conn.sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
            size = struct.unpack(">i", read_exact(conn.sock, 4))[0]
            r = Reader(read_exact(conn.sock, size))
            assert r.take(">i") == conn.correlation_id
        else:
            r = conn.call(CONTROLLED_SHUTDOWN, version, body, flexible=flexible)
    error = r.take(">h")
    if flexible:
        remaining = r.carray(lambda r: (r.cstring(), r.take(">i"), r.tags())[:2])
        r.tags()
    else:
        remaining = [(r.string(), r.take(">i")) for _ in range(r.take(">i"))]
    return error, remaining


class ControlledShutdownTest(ReplicationTestCase):

    def leads_movable(self, broker_id):
        """The partitions of TOPIC that `broker_id` leads with another live ISR member, as
        ZooKeeper holds them."""
        live = set(self.cluster.registered_ids())
        return sorted(p for p, (state, _) in self.cluster.partition_states(TOPIC).items()
                      if state["leader"] == broker_id
                      and any(m != broker_id and m in live for m in state["isr"]))

    def shut_down_under_load(self, victim):
        ids = self.cluster.ids
        assignment = {p: [ids[(p + k) % 3] for k in range(3)] for p in range(PARTITIONS)}
        self.create_topic(TOPIC, assignment, {"min.insync.replicas": "2"})
        self.assertTrue(self.leads_movable(victim))
        producer = RecordingProducer(self.cluster.bootstrap(), TOPIC, KEYS, MAX_UNACKNOWLEDGED,
                                     **{"linger.ms": 2})
        producer.send_for(1.0)
        led = self.leads_movable(victim)
        before = len(producer.delivered)
        self.assertGreater(before, 0, "nothing acknowledged before the signal")

        # Watches ZooKeeper for the moment the victim leads nothing movable any more.
        moved = {}
        stop_watching = threading.Event()

        def watch():
            while not stop_watching.is_set():
                try:
                    if not self.leads_movable(victim):
                        moved["at"] = time.time()
                        return
                except Exception:  # a state read in the middle of a change
                    pass
                time.sleep(0.01)

        proc = self.cluster.broker(victim).proc
        watcher = threading.Thread(target=watch)
        signalled = time.time()
        proc.terminate()
        watcher.start()
        while proc.poll() is None and time.time() < signalled + 40:
            producer.send_for(0.05)
        stopped = time.time()
        stop_watching.set()
        watcher.join()
        code = self.cluster.stop(victim)  # already exited: records it as down
        self.assertEqual(code, 0, self.cluster.broker(victim).output()[-3000:])
        self.assertIn("at", moved, "the leaderships never moved")
        move_s = moved["at"] - signalled
        print("broker %d: leaderships moved %.0f ms after SIGTERM, exited after %.0f ms; "
              "%d deliveries before, %d during the shutdown" % (
                  victim, move_s * 1000, (stopped - signalled) * 1000, before,
                  len(producer.delivered) - before))
        self.assertLessEqual(move_s, MOVE_BOUND_S)
        # The leaderships moved while the broker was still registered (and serving): each
        # state was last written before its registration went (the last change of the
        # children of /brokers/ids), not by the election that follows a broker's end.
        gone_at = self.cluster.znode("/brokers/ids")[1].pzxid
        states = self.cluster.partition_states(TOPIC)
        for p in led:
            state, stat = states[p]
            self.assertNotEqual(state["leader"], victim)
            self.assertLess(stat.mzxid, gone_at, "partition %d moved after broker %d left: %s" % (
                p, victim, state))

        producer.send_for(1.0)
        self.assertEqual(producer.flush(60), 0, "undelivered after the shutdown")
        self.assertFalse(producer.errors, "delivery failures: %s" % producer.errors[:3])
        stored = [(m.partition(), m.offset(), m.key(), m.value())
                  for m in ck_consume(self.cluster.bootstrap(), TOPIC, producer.sent, timeout=30)]
        check_exactly_once(self, stored, producer.expected(), PARTITIONS, producer.delivered)
        log = self.cluster.broker(victim).output()
        self.assertRegex(log, r"controlled shutdown of broker %d: controller \d+ moved" % victim)
        self.assertIn("ringlog stopped cleanly", log)

        # Back, it catches up and rejoins every ISR.
        self.cluster.start_broker(victim)
        self.cluster.wait_ready()
        for p in range(PARTITIONS):
            self.wait_isr(TOPIC, p, assignment[p], timeout=30)

    def test_sigterm_moves_the_leaderships_before_the_broker_stops(self):
        self.shut_down_under_load(self.non_controllers()[0])

    def test_the_controller_moves_its_own_leaderships(self):
        self.shut_down_under_load(self.cluster.controller_id())

    def test_bad_requests_get_kafka_error_codes(self):
        controller = self.cluster.controller_id()
        other = self.non_controllers()[0]
        controller_port = self.cluster.broker(controller).port
        self.assertEqual(controlled_shutdown(self.cluster.broker(other).port, 1, other),
                         (NOT_CONTROLLER, []))
        for version in range(4):
            self.assertEqual(controlled_shutdown(controller_port, version, 99, 5),
                             (BROKER_NOT_AVAILABLE, []), version)
        czxid = self.cluster.znode("/brokers/ids/%d" % other)[1].czxid
        for version in (2, 3):
            self.assertEqual(controlled_shutdown(controller_port, version, other, czxid - 1),
                             (STALE_BROKER_EPOCH, []), version)
        # Nothing moved.
        self.create_topic("alone", {0: [other]})
        self.assertEqual(self.cluster.leaders("alone"), {0: other})
        # Version 0 (request header v0) of a broker that is the only replica of a partition:
        # taken, and the partition is named as still led.
        self.assertEqual(controlled_shutdown(controller_port, 0, other), (NONE, [("alone", 0)]))
        self.assertEqual(controlled_shutdown(controller_port, 3, other, czxid),
                         (NONE, [("alone", 0)]))
        self.assertEqual(self.cluster.leaders("alone"), {0: other})


class BoundedControlledShutdownTest(ReplicationTestCase):
    """A controlled shutdown that cannot finish (the controller is frozen) gives up after
    --controlled_shutdown_timeout_ms, shorter here than the session timeout, so that no
    other controller takes over meanwhile, and the broker still stops cleanly."""

    BROKER_ARGS = ("--controlled_shutdown_timeout_ms=1000",)

    def test_the_wait_is_bounded(self):
        controller = self.cluster.controller_id()
        victim = self.non_controllers()[0]
        others = [i for i in self.cluster.ids if i != victim]
        self.create_topic(TOPIC, {0: [victim] + others})
        self.cluster.pause(controller)
        try:
            started = time.time()
            code = self.cluster.stop(victim)
            took = time.time() - started
        finally:
            self.cluster.resume(controller)
        log = self.cluster.broker(victim).output()
        print("broker %d stopped %.0f ms after SIGTERM with its controller frozen" % (
            victim, took * 1000))
        self.assertEqual(code, 0, log[-3000:])
        self.assertLess(took, 8.0)
        self.assertRegex(log, r"controlled shutdown of broker %d did not finish: .*still leading "
                              r"1 partition" % victim)
        self.assertIn("ringlog stopped cleanly", log)


class RepeatedSignalTest(ReplicationTestCase):
    """A second SIGTERM while the controlled shutdown waits (its controller frozen, its
    bound a minute away) ends the wait once the request in flight times out (5 s); the
    broker still stops cleanly."""

    BROKER_ARGS = ("--controlled_shutdown_timeout_ms=60000",)

    def test_a_second_signal_ends_the_wait(self):
        controller = self.cluster.controller_id()
        victim = self.non_controllers()[0]
        others = [i for i in self.cluster.ids if i != victim]
        self.create_topic(TOPIC, {0: [victim] + others})
        proc = self.cluster.broker(victim).proc
        self.cluster.pause(controller)
        try:
            proc.terminate()
            self.wait_until(lambda: "asking controller" in self.cluster.broker(victim).output(),
                            10, "the controlled shutdown to start")
            started = time.time()
            proc.terminate()
            code = proc.wait(20)
            took = time.time() - started
        finally:
            self.cluster.resume(controller)
        self.cluster.stop(victim)  # already exited: records it as down
        log = self.cluster.broker(victim).output()
        print("broker %d stopped %.0f ms after the second SIGTERM" % (victim, took * 1000))
        self.assertEqual(code, 0, log[-3000:])
        self.assertLess(took, 8.0)
        self.assertIn("again: not waiting for the controlled shutdown any longer", log)
        self.assertRegex(log, r"controlled shutdown of broker %d did not finish: .*given up; "
                              r"still leading 1 partition" % victim)
        self.assertIn("ringlog stopped cleanly", log)


if __name__ == "__main__":
    unittest.main()
