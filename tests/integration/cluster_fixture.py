"""A private ZooKeeper and clusters of real `ringlog serve` brokers on it, for the cluster
integration tests.

One ZooKeeper (Debian's zookeeper 3.8, standalone, tickTime 500 ms so that sessions may be
as short as 1 s) serves a whole test module: it starts with the first ClusterTestCase and
stops when the process exits. Every test gets a fresh chroot (/t<random>) on it, so the
clusters of different tests never see each other's znodes, and its own brokers on free
loopback ports with fresh data directories. The tests read the znodes with kazoo.
"""

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import uuid

from kazoo.client import KazooClient
from kazoo.exceptions import NoNodeError

from cluster_wire import list_offsets, metadata
from ringlog_fixture import Broker, free_port

ZOOKEEPER_CLASSPATH = "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"
SESSION_TIMEOUT_MS = 2000


def wait_until(predicate, timeout, what, interval=0.05, details=lambda: ""):
    """The first truthy value of predicate() within `timeout` seconds; AssertionError
    naming `what`, the last value or exception and details() otherwise."""
    deadline = time.time() + timeout
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
            last = value
        except Exception as e:  # the cluster may be in the middle of a change
            last = e
        if time.time() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last: %r)%s" %
                                 (timeout, what, last, details()))
        time.sleep(interval)


def thread_states(pid):
    """The state letter (R, S, D, T...) of every thread of process `pid`."""
    states = []
    task_dir = "/proc/%d/task" % pid
    for tid in os.listdir(task_dir):
        try:
            with open("%s/%s/stat" % (task_dir, tid)) as f:
                states.append(f.read().rsplit(")", 1)[1].split()[0])
        except OSError:
            pass  # the thread ended
    return states


class ZooKeeperServer:
    """A standalone ZooKeeper on a free loopback port with its data in a temporary
    directory."""

    def __init__(self, port=None):
        self.dir = tempfile.mkdtemp(prefix="ringlog-zk-")
        self.port = port or free_port()
        self.proc = None

    @property
    def connect(self):
        return "127.0.0.1:%d" % self.port

    def start(self, timeout=30.0):
        config = os.path.join(self.dir, "zoo.cfg")
        with open(config, "w") as f:
            f.write("tickTime=500\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\n"
                    "minSessionTimeout=1000\nmaxSessionTimeout=60000\n"
                    "admin.enableServer=false\n4lw.commands.whitelist=ruok,srvr\n" %
                    (self.dir, self.port))
        self.log_path = os.path.join(self.dir, "zookeeper.log")
        log = open(self.log_path, "ab")
        # A small heap and the quick JIT (the server holds a few hundred znodes at most), and
        # no fsync: the data is thrown away with the test.
        self.proc = subprocess.Popen(
            ["java", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
             "-Dzookeeper.forceSync=no",
             "-cp", ZOOKEEPER_CLASSPATH, "-Dzookeeper.log.dir=" + self.dir,
             "org.apache.zookeeper.server.quorum.QuorumPeerMain", config],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("zookeeper exited with %d:\n%s" % (self.proc.returncode,
                                                                      self.output()))
            if self.four_letter("ruok") == "imok" and "Mode: standalone" in self.four_letter(
                    "srvr"):
                return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("zookeeper did not answer ruok within %.0fs:\n%s" %
                           (timeout, self.output()))

    def four_letter(self, word):
        """The answer to one of ZooKeeper's four-letter commands ('' when none)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(word.encode())
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        return data.decode(errors="replace")
                    data += chunk
        except OSError:
            return ""

    def output(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def stop(self, timeout=10.0):
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def kill(self):
        if self.proc is None:
            return
        self.proc.kill()
        self.proc.wait()
        self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


_shared_zookeeper = None


def shared_zookeeper():
    """The ZooKeeper of this test process, started on first use, stopped at exit."""
    global _shared_zookeeper
    if _shared_zookeeper is None:
        _shared_zookeeper = ZooKeeperServer().start()
        atexit.register(_shared_zookeeper.close)
    return _shared_zookeeper


def new_chroot():
    return "/t" + uuid.uuid4().hex[:12]


class Cluster:
    """`size` brokers with ids first_id.. on `chroot` of `zookeeper`, each on a free port
    with its own data directory. A broker stopped, killed or paused by the test is
    remembered, so that tearDown checks only the others are alive."""

    def __init__(self, zookeeper, size=3, chroot=None, extra_args=(),
                 session_timeout_ms=SESSION_TIMEOUT_MS, first_id=1):
        self.zookeeper = zookeeper
        self.chroot = chroot or new_chroot()
        self.session_timeout_ms = session_timeout_ms
        self.extra_args = list(extra_args)
        self.brokers = {i: Broker(self.broker_args(i) + self.extra_args)
                        for i in range(first_id, first_id + size)}
        self.down = set()  # ids stopped, killed or paused on purpose
        self.kazoo = None

    @property
    def connect(self):
        """--zookeeper_connect of this cluster's brokers."""
        return self.zookeeper.connect + self.chroot

    def broker_args(self, broker_id, connect=None):
        return ["--broker_id=%d" % broker_id,
                "--zookeeper_connect=" + (connect or self.connect),
                "--zookeeper_session_timeout_ms=%d" % self.session_timeout_ms]

    @property
    def ids(self):
        return sorted(self.brokers)

    @property
    def live_ids(self):
        return sorted(set(self.brokers) - self.down)

    def broker(self, broker_id):
        return self.brokers[broker_id]

    def bootstrap(self, *ids):
        """host:port of the given brokers (all live ones by default), comma-separated."""
        return ",".join(self.brokers[i].bootstrap for i in (ids or self.live_ids))

    # --- lifecycle -------------------------------------------------------------------

    def start(self, timeout=60.0):
        for broker in self.brokers.values():
            broker.launch()
        for broker in self.brokers.values():
            broker.wait_listening(timeout)
        self.kazoo = KazooClient(hosts=self.connect, timeout=10.0)
        self.kazoo.start(timeout=10.0)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=30.0):
        """Until every live broker is registered, a live broker is controller and every
        live broker's Metadata lists exactly the live brokers and that controller."""
        live = self.live_ids

        def ready():
            if self.registered_ids() != live:
                return False
            controller = self.controller_id()
            if controller not in live:
                return False
            for i in live:
                answer = metadata(self.brokers[i].port, topics=[])
                if sorted(answer["brokers"]) != live or answer["controller_id"] != controller:
                    return False
            return True

        wait_until(ready, timeout, "brokers %s registered with a controller" % live,
                   details=self.log_tails)

    def kill(self, broker_id):
        """kill -9 of one broker."""
        self.brokers[broker_id].kill()
        self.down.add(broker_id)

    def stop(self, broker_id):
        """SIGTERM of one broker; its exit code."""
        self.down.add(broker_id)
        return self.brokers[broker_id].stop()

    def start_broker(self, broker_id, timeout=30.0):
        """Starts a stopped or killed broker again on its port and data directory."""
        self.brokers[broker_id].start(timeout)
        self.down.discard(broker_id)

    def pause(self, broker_id, timeout=10.0):
        """SIGSTOP: the process is frozen, its sockets and ZooKeeper session left as they
        are (the session expires once the timeout passes). Returns once every thread has
        stopped: one inside a system call (a disk write) stops only when the call ends, and
        may answer a request meanwhile."""
        proc = self.brokers[broker_id].proc
        proc.send_signal(signal.SIGSTOP)
        self.down.add(broker_id)
        wait_until(lambda: all(state == "T" for state in thread_states(proc.pid)), timeout,
                   "every thread of broker %d stopped" % broker_id, interval=0.005,
                   details=lambda: " (states %s)" % thread_states(proc.pid))

    def resume(self, broker_id):
        self.brokers[broker_id].proc.send_signal(signal.SIGCONT)
        self.down.discard(broker_id)

    def wipe(self, broker_id):
        """Empties the data directory of a stopped or killed broker: a lost disk."""
        data_dir = self.brokers[broker_id].data_dir
        assert not self.brokers[broker_id].alive(), "broker %d still runs" % broker_id
        shutil.rmtree(data_dir)
        os.makedirs(data_dir)

    def close(self):
        if self.kazoo is not None:
            self.kazoo.stop()
            self.kazoo.close()
        for broker in self.brokers.values():
            broker.close()  # SIGKILL works on a paused process too

    def log_tails(self, lines=25):
        """The last lines of every broker's output, for failure messages."""
        out = []
        for i, broker in sorted(self.brokers.items()):
            tail = broker.output().splitlines()[-lines:]
            out.append("\n--- broker %d ---\n%s" % (i, "\n".join(tail)))
        return "".join(out)

    # --- znodes (paths relative to the chroot) ----------------------------------------

    def znode(self, path):
        """(data as text, ZnodeStat) of a znode; (None, None) when it does not exist."""
        try:
            data, stat = self.kazoo.get(path)
        except NoNodeError:
            return None, None
        return data.decode(), stat

    def znode_json(self, path):
        data, stat = self.znode(path)
        return (None if data is None else json.loads(data)), stat

    def children(self, path):
        try:
            return sorted(self.kazoo.get_children(path))
        except NoNodeError:
            return []

    def registered_ids(self):
        return sorted(int(c) for c in self.children("/brokers/ids"))

    def controller_id(self):
        """The broker id in /controller, or None when there is no controller."""
        data, _ = self.znode_json("/controller")
        return None if data is None else data["brokerid"]

    def controller_epoch(self):
        data, _ = self.znode("/controller_epoch")
        return None if data is None else int(data)

    def partition_states(self, topic):
        """{partition: (state JSON, ZnodeStat)} of a topic's state znodes."""
        states = {}
        for p in self.children("/brokers/topics/%s/partitions" % topic):
            data, stat = self.znode_json("/brokers/topics/%s/partitions/%s/state" % (topic, p))
            if data is not None:
                states[int(p)] = (data, stat)
        return states

    def all_partition_states(self):
        """{(topic, partition): (state JSON, ZnodeStat)} of every topic."""
        return {(t, p): s for t in self.children("/brokers/topics")
                for p, s in self.partition_states(t).items()}

    def leaders(self, topic):
        """{partition: leader id} from the state znodes."""
        return {p: state["leader"] for p, (state, _) in self.partition_states(topic).items()}


class ClusterTestCase(unittest.TestCase):
    """A test case with a started cluster in self.cluster (CLUSTER_SIZE brokers, extra
    serve flags BROKER_ARGS, ZooKeeper sessions of SESSION_TIMEOUT_MS) on this module's
    ZooKeeper."""

    CLUSTER_SIZE = 3
    BROKER_ARGS = ()
    SESSION_TIMEOUT_MS = SESSION_TIMEOUT_MS

    @classmethod
    def setUpClass(cls):
        cls.zookeeper = shared_zookeeper()

    def setUp(self):
        self.cluster = Cluster(self.zookeeper, self.CLUSTER_SIZE, extra_args=self.BROKER_ARGS,
                               session_timeout_ms=self.SESSION_TIMEOUT_MS)
        self.addCleanup(self.cluster.close)
        self.cluster.start()

    def tearDown(self):
        for i in self.cluster.live_ids:
            broker = self.cluster.broker(i)
            if broker.proc is not None and not broker.alive():
                self.fail("broker %d died with code %s:\n%s" % (
                    i, broker.proc.returncode, broker.output()[-4000:]))

    def wait_until(self, predicate, timeout, what, interval=0.05):
        return wait_until(predicate, timeout, what, interval, details=self.cluster.log_tails)

    def wait_for_leaders(self, topic, partitions, timeout=20.0, serving=True):
        """Until every live broker's Metadata shows all `partitions` of `topic` with a live
        leader, the same one in each answer and in the state znodes, and (`serving`) each
        leader answers ListOffsets for its partitions; {partition: leader}. Tests of
        something else wait for `serving` so that a leader that names itself in Metadata
        before it takes requests does not fail them; test_cluster_routing checks that
        separately."""
        live = self.cluster.live_ids

        def settled():
            znode_leaders = self.cluster.leaders(topic)
            if sorted(znode_leaders) != list(range(partitions)):
                return None
            if any(leader not in live for leader in znode_leaders.values()):
                return None
            for i in live:
                answer = metadata(self.cluster.broker(i).port, [topic])["topics"][topic]
                got = {p: v["leader"] for p, v in answer["partitions"].items()}
                if answer["error"] != 0 or got != znode_leaders:
                    return None
            if serving and any(list_offsets(self.cluster.broker(leader).port, topic, p)[0] != 0
                               for p, leader in znode_leaders.items()):
                return None
            return znode_leaders

        return self.wait_until(settled, timeout, "leaders of %s on every broker" % topic)
