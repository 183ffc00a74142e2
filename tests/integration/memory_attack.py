"""Attacks on the broker's request memory, shared by test_request_memory.py and
scripts/request_memory_attack.py: many connections that each send a request's 4-byte size
prefix and then little or none of its body, the broker's RSS sampled meanwhile, and a real
client's round trips (kafka-python) timed while the attack holds.

Every socket of the attack is non-blocking after its prefix, so a broker that stops reading
(as it should when its request memory is full) never blocks the attacker."""

import socket
import struct
import threading
import time

from kafka import KafkaProducer
from kafka.client_async import KafkaClient
from kafka.protocol.admin import ApiVersionRequest
from kafka.protocol.metadata import MetadataRequest

MIB = 1 << 20
# What kafka-python finds when it probes ringlog.
KAFKA_VERSION = (2, 3, 0)


def rss_bytes(pid):
    """The resident set size of process `pid`, from /proc/<pid>/status (VmRSS)."""
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS for pid %d" % pid)


class RssWatch(threading.Thread):
    """Samples a process's RSS every `interval` seconds and keeps the peak."""

    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = self.last = rss_bytes(pid)
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            try:
                self.last = rss_bytes(self.pid)
            except (OSError, RuntimeError):
                return  # the process is gone
            self.peak = max(self.peak, self.last)
            self._stop_event.wait(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join()


class Attack:
    """`idle + trickle + fill` connections, each announcing a request of `size` bytes:
      idle     send nothing after the prefix;
      trickle  send `trickle_bytes` of the body every `trickle_interval` seconds;
      fill     send `fill_bytes` of the body as fast as the broker reads, then nothing.
    A thread keeps the trickling and filling going until close()."""

    def __init__(self, port, size, idle, trickle=0, fill=0, fill_bytes=0, trickle_bytes=1024,
                 trickle_interval=0.1):
        self.port, self.size = port, size
        self.counts = {"idle": idle, "trickle": trickle, "fill": fill}
        self.fill_bytes, self.trickle_bytes = fill_bytes, trickle_bytes
        self.trickle_interval = trickle_interval
        self.sockets = []  # [kind, socket, body bytes sent]
        self.closed_by_broker = 0
        self._stop_event = threading.Event()
        self._pump = threading.Thread(target=self._run, daemon=True)

    def open(self, check=None, batch=10):
        """Connects every attacker; `check()` runs after each `batch` connections (it may
        raise to stop early, e.g. when the broker's RSS is already past its bound)."""
        kinds = [kind for kind in ("fill", "trickle", "idle") for _ in range(self.counts[kind])]
        prefix = struct.pack(">i", self.size)
        for i, kind in enumerate(kinds):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(prefix)
            sock.setblocking(False)
            self.sockets.append([kind, sock, 0])
            if check is not None and (i + 1) % batch == 0:
                time.sleep(0.05)
                check()
        self._pump.start()
        return self

    def body_bytes_sent(self, kind="fill"):
        return sum(sent for k, _, sent in self.sockets if k == kind)

    def wait_until_stalled(self, quiet=0.5, timeout=10.0):
        """Waits until the fillers sent all they meant to or made no progress for `quiet`
        seconds (the broker stopped reading them)."""
        deadline = time.time() + timeout
        last, last_change = -1, time.time()
        while time.time() < deadline:
            sent = self.body_bytes_sent()
            if sent >= self.fill_bytes * self.counts["fill"]:
                return
            if sent != last:
                last, last_change = sent, time.time()
            elif time.time() - last_change >= quiet:
                return
            time.sleep(0.05)

    def _send(self, entry, limit):
        _, sock, sent = entry
        want = min(limit - sent, 1 * MIB)
        if want <= 0:
            return
        try:
            entry[2] += sock.send(b"\x00" * want)
        except BlockingIOError:
            pass
        except OSError:
            self.closed_by_broker += 1
            entry[2] = limit  # nothing more to do with it

    def _run(self):
        next_trickle = time.time()
        while not self._stop_event.is_set():
            for entry in self.sockets:
                if entry[0] == "fill":
                    self._send(entry, self.fill_bytes)
            if time.time() >= next_trickle:
                next_trickle += self.trickle_interval
                for entry in self.sockets:
                    if entry[0] == "trickle":
                        self._send(entry, min(entry[2] + self.trickle_bytes, self.size - 1))
            self._stop_event.wait(0.005)

    def close(self):
        self._stop_event.set()
        if self._pump.is_alive():
            self._pump.join()
        for _, sock, _ in self.sockets:
            sock.close()
        self.sockets = []


def probe_api_versions(port, timeout=60.0):
    """Seconds for one ApiVersions v0 round trip on a new raw connection (connect included)."""
    start = time.monotonic()
    header = struct.pack(">hhih", 18, 0, 1, 5) + b"probe"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(header)) + header)
        received = b""
        while len(received) < 4 or len(received) < 4 + struct.unpack(">i", received[:4])[0]:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the ApiVersions response")
            received += chunk
    return time.monotonic() - start


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(values):
    """'p50 a ms, p99 b ms, max c ms' of latencies in seconds."""
    return "p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
        percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000, max(values) * 1000)


def round_trips(bootstrap, topic, rounds, timeout=10.0):
    """Times `rounds` ApiVersions, Metadata and produce (acks=1) round trips of
    kafka-python clients connected beforehand. Returns ({kind: [seconds]}, produced values).
    A request that gets no answer within `timeout` fails."""
    # A fixed api_version: no probing, so a stalled broker shows as slow round trips.
    client = KafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000),
                         api_version=KAFKA_VERSION)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=0,
                             api_version=KAFKA_VERSION, request_timeout_ms=int(timeout * 1000),
                             max_block_ms=int(timeout * 1000))
    times = {"ApiVersions": [], "Metadata": [], "Produce": []}
    values = []
    try:
        node = client.least_loaded_node()
        deadline = time.time() + timeout
        while not client.ready(node) and time.time() < deadline:
            client.poll(timeout_ms=50)
        producer.send(topic, b"warm-up").get(timeout=timeout)
        requests = {"ApiVersions": lambda: ApiVersionRequest[0](),
                    "Metadata": lambda: MetadataRequest[1](topics=[topic])}
        for i in range(rounds):
            for kind, make in requests.items():
                start = time.monotonic()
                future = client.send(node, make())
                client.poll(future=future, timeout_ms=int(timeout * 1000))
                if not future.succeeded():
                    raise AssertionError("%s failed: %s" % (kind, future.exception))
                times[kind].append(time.monotonic() - start)
            value = b"during-attack-%d" % i
            start = time.monotonic()
            producer.send(topic, value).get(timeout=timeout)
            times["Produce"].append(time.monotonic() - start)
            values.append(value)
    finally:
        producer.close()
        client.close()
    return times, [b"warm-up"] + values
