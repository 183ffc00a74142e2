"""How long each partition went without a usable leader during a nemesis run, sampled from
ZooKeeper every 100 ms: a partition counts as leaderless while its state names no leader
(-1), a broker that is not registered, or a broker the nemesis has impaired (killed,
paused, stopped, cut off) — before its session expires ZooKeeper still names it."""

import json
import threading
import time

from kazoo.client import KazooClient

INTERVAL = 0.1


class LeaderMonitor(threading.Thread):
    def __init__(self, zookeeper_connect, topic, partitions, impaired):
        super().__init__(name="leader-monitor", daemon=True)
        self.kazoo = KazooClient(hosts=zookeeper_connect, timeout=10.0)
        self.topic, self.partitions, self.impaired = topic, partitions, impaired
        self.leaderless = {p: 0.0 for p in range(partitions)}  # seconds in total
        self.longest = {p: 0.0 for p in range(partitions)}  # the longest stretch
        self.since = {}  # partition -> when its current stretch began
        self.stopping = threading.Event()

    def run(self):
        self.kazoo.start(timeout=10.0)
        last = time.time()
        while not self.stopping.wait(INTERVAL):
            now = time.time()
            try:
                down = self._leaderless()
            except Exception:  # a ZooKeeper hiccup: count nothing for this sample
                last = now
                continue
            for p in range(self.partitions):
                if p in down:
                    self.leaderless[p] += now - last
                    self.since.setdefault(p, last)
                    self.longest[p] = max(self.longest[p], now - self.since[p])
                else:
                    self.since.pop(p, None)
            last = now
        self.kazoo.stop()
        self.kazoo.close()

    def _leaderless(self):
        registered = {int(c) for c in self.kazoo.get_children("/brokers/ids")}
        impaired = set(self.impaired)
        down = set()
        for p in range(self.partitions):
            data, _ = self.kazoo.get("/brokers/topics/%s/partitions/%d/state" % (self.topic, p))
            leader = json.loads(data)["leader"]
            if leader < 0 or leader not in registered or leader in impaired:
                down.add(p)
        return down

    def stop(self):
        self.stopping.set()
        self.join(10)

    def report(self):
        """{partition: (seconds without a leader, longest stretch)}."""
        return {p: (round(self.leaderless[p], 2), round(self.longest[p], 2))
                for p in range(self.partitions)}
