"""The nemesis test's cluster: cluster_fixture's Cluster whose brokers each reach ZooKeeper
through their own ZooKeeperProxy, so that the test can cut one broker off from ZooKeeper
while its clients and the other brokers still reach it."""

import re

from cluster_fixture import Cluster, wait_until
from nemesis.zk_proxy import ZooKeeperProxy
from ringlog_fixture import Broker


class NemesisCluster(Cluster):
    """Brokers 1..size of `topic`'s cluster, each behind a proxy to ZooKeeper."""

    def __init__(self, zookeeper, topic, size=3, **kwargs):
        self.topic = topic
        self.proxies = {}
        super().__init__(zookeeper, size, **kwargs)

    def broker_args(self, broker_id, connect=None):
        if connect is None:
            proxy = self.proxies.setdefault(broker_id, ZooKeeperProxy(self.zookeeper.port))
            connect = "127.0.0.1:%d%s" % (proxy.port, self.chroot)
        return super().broker_args(broker_id, connect)

    def add_broker(self, broker_id, timeout=30.0):
        """Starts one more broker (a new id, an empty data directory) and waits until it is
        registered."""
        self.brokers[broker_id] = Broker(self.broker_args(broker_id) + self.extra_args)
        self.brokers[broker_id].start(timeout)
        wait_until(lambda: broker_id in self.registered_ids(), timeout,
                   "broker %d registered" % broker_id, details=self.log_tails)

    def cut_zookeeper(self, broker_id):
        self.proxies[broker_id].set_cut(True)
        self.down.add(broker_id)

    def heal_zookeeper(self, broker_id):
        self.proxies[broker_id].set_cut(False)
        self.down.discard(broker_id)

    def heal_all(self):
        """Ends every fault still applied: resumes paused brokers, heals links, starts
        brokers that are not running."""
        for broker_id in sorted(self.down):
            broker = self.brokers[broker_id]
            self.proxies[broker_id].set_cut(False)
            if broker.alive():
                self.resume(broker_id)
            else:
                self.start_broker(broker_id)
            self.down.discard(broker_id)

    def recovered(self):
        """True when every broker is registered, one is controller and every partition of
        the topic has a live leader and its whole replica set in sync."""
        if self.registered_ids() != self.ids or self.controller_id() not in self.ids:
            return False
        states = self.partition_states(self.topic)
        replicas = self.assignment()
        if not states or sorted(states) != sorted(replicas):
            return False
        return all(s["leader"] in self.ids and sorted(s["isr"]) == sorted(replicas[p])
                   for p, (s, _) in states.items())

    def unsynced_history(self, lines=12):
        """For each partition of the topic whose ISR is not its whole replica set, the last
        lines of each broker's output that name it: what a failure message needs first."""
        states = self.partition_states(self.topic)
        replicas = self.assignment()
        out = []
        for p, (state, _) in sorted(states.items()):
            if sorted(state["isr"]) == sorted(replicas.get(p, [])):
                continue
            name = re.compile(r"\b%s-%d\b" % (re.escape(self.topic), p))
            out.append("\n=== %s-%d: leader %s, ISR %s of replicas %s ===" % (
                self.topic, p, state["leader"], state["isr"], replicas.get(p)))
            for i, broker in sorted(self.brokers.items()):
                named = [line for line in broker.output().splitlines() if name.search(line)]
                if named:
                    out.append("--- broker %d ---\n%s" % (i, "\n".join(named[-lines:])))
        return "\n".join(out)

    def registration(self, broker_id):
        """The creation zxid of a broker's registration znode (None when absent): it changes
        when the broker registers in a new session."""
        _, stat = self.znode("/brokers/ids/%d" % broker_id)
        return None if stat is None else stat.czxid

    def assignment(self):
        """{partition: replicas} of the topic's assignment znode."""
        data, _ = self.znode_json("/brokers/topics/%s" % self.topic)
        return {int(p): r for p, r in (data or {}).get("partitions", {}).items()}

    def close(self):
        super().close()
        for proxy in self.proxies.values():
            proxy.close()
