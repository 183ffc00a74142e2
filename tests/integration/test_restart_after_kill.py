"""Restart after kill -9 with clients hammering the port (issue 11, item 8: "half of the
first requests got a connection reset").

What resets connections there is the killed process: for as long as its last I/O takes
to finish (tenths of a second under an acks=all stream), the kernel keeps its listening
socket and completes handshakes for it, and resets every connection made then when the
socket finally goes. The new broker cannot take the port (or, since the data dir lock, the
data dir) before that, and it opens its port only after recovery, with everything that
answers already running. So: a restart attempted while the killed broker is still exiting
is refused naming the old pid, and once the killed process is gone every connection is
either refused (still recovering) or answered, never reset; nothing acknowledged is lost.
"""

import os
import signal
import socket
import struct
import subprocess
import threading
import time
import unittest

from kafka.protocol.admin import ApiVersionRequest
from kafka.protocol.metadata import MetadataRequest

from kafka_helpers import ck_consume, ck_producer
from ringlog_fixture import BACKEND, BINARY, Broker


class Hammer(threading.Thread):
    """Short connections in a loop, each asking ApiVersions and Metadata through
    kafka-python's codec; records (start time, outcome) for every attempt."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.attempts = []
        self.stopping = False

    def run(self):
        correlation = 0
        while not self.stopping:
            correlation += 2
            started = time.time()
            self.attempts.append((started, self.attempt(correlation)))
            if self.attempts[-1][1] == "refused":
                time.sleep(0.002)

    def attempt(self, correlation):
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        except ConnectionRefusedError:
            return "refused"
        except OSError as e:
            return "connect: %r" % e
        try:
            sock.settimeout(10)
            for offset, request in enumerate((ApiVersionRequest[0](), MetadataRequest[1]([]))):
                header = struct.pack(">hhih", request.API_KEY, request.API_VERSION,
                                     correlation + offset, 6) + b"hammer"
                body = header + request.encode()
                sock.sendall(struct.pack(">i", len(body)) + body)
            for offset, request in enumerate((ApiVersionRequest[0](), MetadataRequest[1]([]))):
                size = struct.unpack(">i", self.read(sock, 4))[0]
                payload = self.read(sock, size)
                if struct.unpack(">i", payload[:4])[0] != correlation + offset:
                    return "wrong correlation id"
                request.RESPONSE_TYPE.decode(payload[4:])
            return "answered"
        except ConnectionResetError:
            return "reset"
        except (OSError, EOFError) as e:
            return "failed: %r" % e
        finally:
            sock.close()

    @staticmethod
    def read(sock, n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise EOFError("closed after %d of %d bytes" % (len(data), n))
            data += chunk
        return data


def runs(attempts):
    """(seconds, outcome) attempts as [(first seconds, outcome, count)] runs."""
    out = []
    for seconds, outcome in attempts:
        if out and out[-1][1] == outcome:
            out[-1] = (out[-1][0], outcome, out[-1][2] + 1)
        else:
            out.append((round(seconds, 3), outcome, 1))
    return out


class RestartAfterKillTest(unittest.TestCase):

    def setUp(self):
        self.broker = Broker().start()
        self.addCleanup(self.broker.close)

    def test_no_reset_once_the_killed_broker_is_gone(self):
        producer = ck_producer(self.broker.bootstrap, acks="all",
                               **{"linger.ms": 2, "message.timeout.ms": 5000})
        acked = set()

        def on_delivery(err, msg):
            if err is None:
                acked.add(msg.value()[:12])

        hammer = Hammer(self.broker.port)
        hammer.start()
        # An acks=all stream with bigger values, so that the kill finds I/O in flight and
        # the restart has a log to recover.
        filler = os.urandom(8192)
        i = 0
        until = time.time() + 3
        while time.time() < until:
            try:
                producer.produce("restart", value=b"v%011d" % i + filler, on_delivery=on_delivery)
                i += 1
            except BufferError:
                producer.poll(0.01)
            producer.poll(0)
        self.assertGreater(len(acked), 100)

        old = self.broker.proc
        killed_at = time.time()
        old.send_signal(signal.SIGKILL)
        reaped = []
        waiter = threading.Thread(target=lambda: (old.wait(), reaped.append(time.time())))
        waiter.start()
        # An impatient supervisor: start again at once, and again while refused.
        refusals = self.start_again(old.pid, waiter)
        producer.flush(10)
        del producer
        time.sleep(1)
        hammer.stopping = True
        hammer.join()

        # The kernel tears the killed process's io_uring down after the process is reaped,
        # and with it the listening socket the ring still references: a connection made in
        # that moment is reset by the old broker, not by the new one.
        teardown = reaped[0] + 0.1
        after = [(started - reaped[0], outcome) for started, outcome in hammer.attempts
                 if started > teardown or (started > reaped[0] and outcome != "reset")]
        timeline = runs(after)
        bad = [run for run in timeline if run[1] not in ("refused", "answered")]
        self.assertFalse(bad, "after the killed broker was gone: %s" % timeline)
        self.assertIn("answered", [outcome for _, outcome, _ in timeline],
                      "%s\nbroker alive: %s\n%s" % (timeline, self.broker.alive(),
                                                    self.broker.output()[-3000:]))
        dying = [o for started, o in hammer.attempts if killed_at <= started <= reaped[0]]
        print("\nkilled broker exited in %.3f s; attempts meanwhile: %s; restarts refused: %d"
              % (reaped[0] - killed_at, {o: dying.count(o) for o in set(dying)}, refusals))

        survived = {m.value()[:12] for m in ck_consume(self.broker.bootstrap, "restart",
                                                        timeout=30)}
        self.assertFalse(acked - survived, "%d acknowledged records lost" % len(acked - survived))

    def start_again(self, old_pid, old_waiter):
        """Starts the broker until it serves; every refusal must be the data dir lock
        naming the killed broker, which still holds it while it exits. The fixture's
        start() may reach the killed broker's listening socket, still alive while it
        exits: a start counts only when the new process runs once the old one is gone."""
        refusals = 0
        self.broker.proc = None
        self.broker.log.close()
        while True:
            try:
                self.broker.start()
                old_waiter.join()
                if self.serves():
                    return refusals
                error = self.broker.output()
            except RuntimeError as e:
                error = str(e)
            self.broker.log.close()
            last_line = error.strip().splitlines()[-1]
            self.assertIn("in use by another ringlog process (pid %d" % old_pid, last_line)
            refusals += 1
            self.assertLess(refusals, 200)
            time.sleep(0.02)

    def serves(self, timeout=20.0):
        """Whether the (new) broker process answers connections, its predecessor gone."""
        deadline = time.time() + timeout
        while time.time() < deadline and self.broker.alive():
            try:
                with socket.create_connection(("127.0.0.1", self.broker.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.05)
        self.broker.proc.wait()
        return False


if __name__ == "__main__":
    unittest.main()
