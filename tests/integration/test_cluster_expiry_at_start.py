"""A broker whose ZooKeeper session expires while it starts, before it has read the cluster's
metadata once, keeps its data (found by the nemesis test, seed 2: a broker restarted after
kill -9 and paused by SIGSTOP while it waited for its previous session's registration to
go). On the expiry the broker lets go of its leaderships by applying its last snapshot
without them; before the first read that snapshot held no topics at all, so the broker
deleted every local topic as "no longer in the cluster".

Here the only replica of a topic is on that broker, so what it deleted is lost: the records
must all be there once it runs again. And it must run again by itself: the registration
that failed with the session is made in a new one, as after any expiry (the broker used to
exit)."""

import signal
import time
import unittest

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import ClusterTestCase, thread_states
from kafka_helpers import ck_consume, ck_produce, ck_producer

TOPIC = "only-here"
RECORDS = 500
WAITING = "waiting for ZooKeeper to expire this broker's previous session"


class ExpiryAtStartTest(ClusterTestCase):
    def test_a_session_expired_during_start_deletes_nothing(self):
        victim = next(i for i in self.cluster.ids if i != self.cluster.controller_id())
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(),
                                 request_timeout_ms=15000)
        admin.create_topics([NewTopic(TOPIC, -1, -1, replica_assignments={0: [victim]})])
        admin.close()
        self.wait_for_leaders(TOPIC, 1)
        values = [b"v-%04d" % i for i in range(RECORDS)]
        ck_produce(ck_producer(self.cluster.bootstrap(), acks="all"), TOPIC,
                   [(None, v, None, None) for v in values])

        broker = self.cluster.broker(victim)
        self.cluster.kill(victim)
        broker.launch()  # within the session timeout: the old registration is still there
        self.wait_until(lambda: WAITING in broker.output(), 20,
                        "the broker to wait for its previous session", interval=0.005)
        broker.proc.send_signal(signal.SIGSTOP)
        self.wait_until(lambda: all(s == "T" for s in thread_states(broker.proc.pid)), 10,
                        "every thread stopped", interval=0.005)
        time.sleep(2.5 * self.cluster.session_timeout_ms / 1000)  # its new session expires
        broker.proc.send_signal(signal.SIGCONT)
        time.sleep(2)
        self.assertNotIn("deleted local topic", broker.output())

        self.assertTrue(broker.alive(), "the broker exited:\n" + broker.output()[-2000:])
        self.cluster.down.discard(victim)  # it registers in a new session by itself
        self.cluster.wait_ready()
        self.wait_for_leaders(TOPIC, 1)
        got = [m.value() for m in ck_consume(self.cluster.bootstrap(), TOPIC, RECORDS)]
        self.assertEqual(got, values)


if __name__ == "__main__":
    unittest.main()
