"""Starts the real `ringlog serve` binary for integration tests.

Every test gets its own broker on a free loopback port with a fresh data directory.
The binary and backend come from the environment that ctest sets:
  RINGLOG_BINARY   path to build/ringlog
  RINGLOG_BACKEND  uring | rocksdb
  RINGLOG_CLUSTER  N > 0: BrokerTestCase starts a cluster of N brokers on a private
                   ZooKeeper instead (cluster_fixture.py), and self.broker is the one
                   the clients bootstrap from
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

BINARY = os.environ.get("RINGLOG_BINARY", os.path.join(os.path.dirname(__file__), "../../build/ringlog"))
BACKEND = os.environ.get("RINGLOG_BACKEND", "uring")
CLUSTER_SIZE = int(os.environ.get("RINGLOG_CLUSTER", "0"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """One ringlog process. Data survives restart() and kill(); close() removes it."""

    def __init__(self, extra_args=(), backend=None, data_dir=None):
        self.backend = backend or BACKEND
        self.extra_args = list(extra_args)
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="ringlog-it-")
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "..", os.path.basename(self.data_dir) + ".log")

    @property
    def bootstrap(self):
        return "127.0.0.1:%d" % self.port

    def start(self, timeout=20.0):
        return self.launch().wait_listening(timeout)

    def launch(self):
        """Starts the process without waiting for it (wait_listening() does)."""
        # No /metrics unless a test asks for it (a later flag wins): brokers started side
        # by side would all try the default port.
        args = [BINARY, "serve", "--listen=127.0.0.1:%d" % self.port,
                "--advertised_host=127.0.0.1", "--data_dir=" + self.data_dir,
                "--backend=" + self.backend, "--metrics_listen="] + self.extra_args
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def wait_listening(self, timeout=20.0):
        """Until the launched process accepts connections; RuntimeError with its output if
        it exits or does not listen within `timeout` seconds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("ringlog exited with %d:\n%s" % (self.proc.returncode, self.output()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("ringlog did not listen within %.0fs:\n%s" % (timeout, self.output()))

    def output(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, timeout=20.0):
        """Graceful shutdown (SIGTERM); returns the exit code."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc = None
        self.log.close()
        return code

    def kill(self):
        """SIGKILL: a crash of the broker process."""
        if self.proc is None:
            return
        self.proc.kill()
        self.proc.wait()
        self.proc = None
        self.log.close()

    def restart(self):
        self.stop()
        return self.start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def close(self):
        if self.proc is not None:
            self.kill()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            try:
                os.remove(self.log_path)
            except OSError:
                pass


class BrokerTestCase(unittest.TestCase):
    """A test case with a started broker in self.broker (extra flags: BROKER_ARGS). With
    RINGLOG_CLUSTER set, self.cluster is a started cluster (every broker with BROKER_ARGS)
    and self.broker one of its brokers that is not the controller, so that the requests
    the controller handles are forwarded."""

    BROKER_ARGS = ()

    def setUp(self):
        if CLUSTER_SIZE:
            from cluster_fixture import Cluster, shared_zookeeper
            self.cluster = Cluster(shared_zookeeper(), CLUSTER_SIZE, extra_args=self.BROKER_ARGS)
            self.addCleanup(self.cluster.close)
            self.cluster.start()
            controller = self.cluster.controller_id()
            entry = next((i for i in self.cluster.ids if i != controller), controller)
            self.broker = self.cluster.broker(entry)
            self.brokers = [self.cluster.broker(i) for i in self.cluster.ids]
            return
        self.broker = Broker(self.BROKER_ARGS).start()
        self.addCleanup(self.broker.close)
        self.brokers = [self.broker]

    def tearDown(self):
        # The brokers must survive whatever the test did to them (bad input included).
        for broker in self.brokers:
            if broker.proc is not None and not broker.alive():
                self.fail("ringlog died with code %s:\n%s" % (broker.proc.returncode,
                                                             broker.output()[-4000:]))
