"""Bounded request memory (Kafka's queued.max.request.bytes) under attack.

200 connections each announce a 100 MB request with its size prefix: most send nothing
more, some trickle the body, and 12 send 24 MiB of it as fast as the broker reads and then
stall, more in all than the broker's request memory may hold. The broker must
allocate as the bytes arrive and pause reading when its request memory is full, so its RSS
stays within --queued_max_request_bytes plus one request of socket.request.max.bytes (the
one that may complete beyond the pool) and a margin, and a real client meanwhile gets its
ApiVersions, Metadata and produce round trips answered promptly. The figures are printed.

Afterwards the attackers go away; a large produce that had to wait for memory completes,
and every record produced is read back in order."""

import sys
import time

from kafka_helpers import kp_consume, kp_producer
from memory_attack import MIB, Attack, RssWatch, round_trips, rss_bytes, summary
from ringlog_fixture import BACKEND, BrokerTestCase

POOL_BYTES = 64 * MIB
MAX_REQUEST_BYTES = 104857600
# Allocator slack, staging buffers and a body being copied while it doubles.
MARGIN_BYTES = 64 * MIB
RSS_BOUND = POOL_BYTES + MAX_REQUEST_BYTES + MARGIN_BYTES
# Generous for a loaded CI machine; the figures printed are what matters.
ROUND_TRIP_LIMIT = 1.0
TOPIC = "under-attack"
# The attackers: more body in all from the fillers than the bound, so that only pausing
# the reads keeps the broker within it.
IDLE, TRICKLE, FILL = 168, 20, 12
FILL_BYTES = 24 * MIB


class RequestMemoryTest(BrokerTestCase):
    BROKER_ARGS = ("--queued_max_request_bytes=%d" % POOL_BYTES,
                   "--socket_request_max_bytes=%d" % MAX_REQUEST_BYTES, "--num_partitions=1")

    def test_200_connections_announcing_100_mb_requests(self):
        pid = self.broker.proc.pid
        first = kp_producer(self.broker.bootstrap)
        first.send(TOPIC, b"first").get(timeout=10)
        first.close()
        baseline = rss_bytes(pid)
        watch = RssWatch(pid)
        watch.start()
        self.addCleanup(watch.stop)

        def within_bound():
            if watch.last - baseline > RSS_BOUND:
                self.fail("RSS grew by %.0f MiB (bound %.0f MiB) after %d connections" % (
                    (watch.last - baseline) / MIB, RSS_BOUND / MIB, len(attack.sockets)))

        attack = Attack(self.broker.port, MAX_REQUEST_BYTES, idle=IDLE, trickle=TRICKLE,
                        fill=FILL, fill_bytes=FILL_BYTES)
        self.addCleanup(attack.close)
        attack.open(check=within_bound)
        attack.wait_until_stalled()
        within_bound()
        times, values = round_trips(self.broker.bootstrap, TOPIC, rounds=30)
        time.sleep(0.5)  # the trickle goes on
        within_bound()
        accepted = attack.body_bytes_sent()
        print("\n[%s] 200 attackers (%d idle, %d trickling, %d sent %.0f of %d MiB): RSS "
              "baseline %.1f MiB, peak %.1f MiB (+%.1f MiB; bound +%.0f MiB)" % (
                  BACKEND, IDLE, TRICKLE, FILL, accepted / MIB, FILL * FILL_BYTES / MIB,
                  baseline / MIB, watch.peak / MIB,
                  (watch.peak - baseline) / MIB, RSS_BOUND / MIB), file=sys.stderr)
        for kind, values_s in times.items():
            print("[%s] %s round trips under attack: %s" % (BACKEND, kind, summary(values_s)),
                  file=sys.stderr)
        for kind, values_s in times.items():
            self.assertLess(max(values_s), ROUND_TRIP_LIMIT, "%s: %s" % (kind, summary(values_s)))
        self.assertLess(watch.peak - baseline, RSS_BOUND)
        self.assertEqual(attack.closed_by_broker, 0, "the broker dropped attackers")

        # A request above the staging size takes its memory step by step; once the
        # attackers are gone it completes whatever it met before.
        big = b"b" * (900 * 1024)
        producer = kp_producer(self.broker.bootstrap, max_request_size=2 * MIB, acks=1)
        future = producer.send(TOPIC, big)
        time.sleep(0.5)
        attack.close()
        future.get(timeout=30)
        producer.close()
        records = kp_consume(self.broker.bootstrap, TOPIC, 2 + len(values), timeout=20,
                             max_partition_fetch_bytes=2 * MIB, fetch_max_bytes=4 * MIB)
        self.assertEqual([r.value for r in records], [b"first"] + values + [big])


if __name__ == "__main__":
    import unittest
    unittest.main()
