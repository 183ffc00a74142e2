"""The nemesis: faults applied one after another at random moments, drawn from a seeded
random generator, bounded in count and in time. Each fault is applied, held, healed, and
followed by a bounded wait for the cluster to recover (every broker registered, a
controller, every partition's ISR whole), so that faults do not pile up on one partition
unless recovery itself fails.

The kinds:
- kill_leader: kill -9 of the leader of a random partition, restarted after 0.2-4 s (often
  before its ZooKeeper session expired: it comes back as a new registration);
- kill_controller: kill -9 of the controller, likewise;
- pause: SIGSTOP of a random broker for longer than its session timeout, then SIGCONT;
- restart: SIGTERM of a random broker (controlled shutdown where the broker has it), then
  a start on the same data;
- zk_cut: the broker's link to ZooKeeper cut (its ZooKeeperProxy) for longer than the
  session timeout while its clients still reach it, then healed.
Halfway, the cluster grows: a 4th broker starts and one replica of three random partitions
moves onto it (AlterPartitionReassignments) while the faults go on; the run waits for the
move to complete at the end.
The seed fixes the kinds, the random choices and the hold times; which broker a choice
names depends on the cluster's state at that moment (the leader of partition p), so every
applied fault is logged with its broker and times.
"""

import time

from cluster_fixture import wait_until
from nemesis.reassign_wire import alter_reassignments, list_reassignments, supports_reassignment

KINDS = ("kill_leader", "kill_controller", "pause", "restart", "zk_cut")


class Nemesis:
    """Applies faults to `cluster` (a NemesisCluster) whose topic `topic` has `partitions`
    partitions. `log` takes one line of text per event."""

    def __init__(self, cluster, topic, partitions, rng, log, recovery_timeout=30.0):
        self.cluster, self.topic, self.partitions = cluster, topic, partitions
        self.rng, self.log = rng, log
        self.recovery_timeout = recovery_timeout
        self.session_s = cluster.session_timeout_ms / 1000.0
        self.impaired = set()  # brokers killed, paused, stopped or cut off right now
        self.applied = []  # dicts: n, kind, broker, start, held, recovered
        self.unrecovered = []  # fault numbers after which the cluster did not recover
        self.crashes = []  # brokers that exited without being told to
        self.reassignment = None  # what grow() did
        self.t0 = time.time()

    def run(self, max_faults, seconds, grow_to=None):
        """Applies up to `max_faults` faults, starting none after `seconds` from now; with
        `grow_to` (a broker id), grows the cluster by that broker halfway (see grow())."""
        start = time.time()
        deadline = start + seconds
        while len(self.applied) < max_faults:
            time.sleep(self.rng.uniform(0.5, 2.5))
            if time.time() >= deadline:
                break
            if grow_to is not None and self.reassignment is None and (
                    len(self.applied) >= max_faults // 2 or time.time() >= start + seconds / 2):
                self.grow(grow_to)
                continue
            self.one(self.rng.choice(KINDS))

    def grow(self, broker_id, moves=3):
        """Starts broker `broker_id` and moves one replica of `moves` random partitions onto
        it with AlterPartitionReassignments (API 45, sent to a random broker, which forwards
        it to the controller), without waiting for the move: the faults go on meanwhile."""
        entry = self.cluster.broker(self.rng.choice(self.cluster.live_ids)).port
        if not supports_reassignment(entry):
            self.reassignment = dict(supported=False)
            self.log("no reassignment: the brokers do not support AlterPartitionReassignments")
            return
        self.cluster.add_broker(broker_id)
        assignment = self.cluster.assignment()
        targets = {}
        for p in self.rng.sample(sorted(assignment), moves):
            replicas = list(assignment[p])
            replicas[self.rng.randrange(len(replicas))] = broker_id
            targets[p] = replicas
        start = time.time()
        error, message, answers = alter_reassignments(entry, self.topic, targets)
        self.reassignment = dict(supported=True, start=round(start - self.t0, 2),
                                 before={p: assignment[p] for p in targets}, targets=targets,
                                 error=error, message=message, answers=answers)
        self.log("reassignment at %.1fs onto new broker %d: %s -> %s: error %d %s, per "
                 "partition %s" % (start - self.t0, broker_id, self.reassignment["before"],
                                   targets, error, message, answers))

    def wait_reassigned(self, timeout):
        """Seconds from the reassignment until no move of the topic is listed and its
        assignment is the target; None when that did not happen within `timeout`."""
        def done():
            port = self.cluster.broker(self.cluster.live_ids[0]).port
            error, ongoing = list_reassignments(port)
            assignment = self.cluster.assignment()
            return (error == 0 and not any(t == self.topic for t, _ in ongoing) and
                    all(assignment.get(p) == r for p, r in self.reassignment["targets"].items()))

        try:
            wait_until(done, timeout, "the reassignment", interval=0.2)
        except AssertionError:
            return None
        return round(time.time() - self.t0 - self.reassignment["start"], 2)

    def one(self, kind):
        n = len(self.applied) + 1
        choice = self.rng.random()
        hold = self.rng.random()
        broker = self._target(kind, choice)
        if broker is None:
            self.log("fault %d %s: no target (%s)" % (n, kind, self._state()))
            return
        start = time.time()
        self.log("fault %d %s broker %d at %.1fs" % (n, kind, broker, start - self.t0))
        registration = self.cluster.registration(broker)
        self.impaired.add(broker)
        try:
            if kind in ("kill_leader", "kill_controller"):
                self.cluster.kill(broker)
                time.sleep(0.2 + 3.8 * hold)
                self.cluster.start_broker(broker)
            elif kind == "pause":
                self.cluster.pause(broker)
                time.sleep(self.session_s + 0.5 + 2.0 * hold)
                self.cluster.resume(broker)
            elif kind == "restart":
                code = self.cluster.stop(broker)
                if code != 0:
                    self.log("fault %d: broker %d exited with %s on SIGTERM" % (n, broker, code))
                self.cluster.start_broker(broker)
            else:
                self.cluster.cut_zookeeper(broker)
                time.sleep(self.session_s + 0.5 + 2.5 * hold)
                self.cluster.heal_zookeeper(broker)
        finally:
            self.impaired.discard(broker)
        held = time.time() - start
        self.restart_crashed()
        # A broker started again within its session timeout finds its old registration still
        # there: the cluster has recovered once the new process registered.
        restarted = broker if kind in ("kill_leader", "kill_controller", "restart") else None
        recovered = self._wait_recovered(restarted, registration)
        self.applied.append(dict(n=n, kind=kind, broker=broker, start=round(start - self.t0, 2),
                                 held=round(held, 2), recovered=recovered))
        if recovered is None:
            self.unrecovered.append(n)
            self.log("fault %d: the cluster did not recover within %.0fs: %s%s" % (
                n, self.recovery_timeout, self._state(), self._unsynced()))
        else:
            self.log("fault %d healed after %.1fs, recovered %.1fs later" % (n, held, recovered))

    def restart_crashed(self):
        """Starts again every broker that exited without being told to, remembering how it
        exited (a crash is a finding of its own)."""
        for broker_id in self.cluster.ids:
            broker = self.cluster.broker(broker_id)
            if broker_id in self.cluster.down or broker.alive():
                continue
            code = broker.proc.returncode
            last = broker.output().strip().splitlines()[-3:]
            self.crashes.append(dict(broker=broker_id, code=code, after_fault=len(self.applied),
                                     output=last))
            self.log("broker %d exited by itself with code %s: %s" % (broker_id, code, last))
            broker.kill()  # closes its log; the process is gone already
            self.cluster.start_broker(broker_id)

    def _target(self, kind, choice):
        live = self.cluster.live_ids
        if kind == "kill_leader":
            leaders = self.cluster.leaders(self.topic)
            partition = int(choice * self.partitions)
            leader = leaders.get(partition, -1)
            return leader if leader in live else None
        if kind == "kill_controller":
            controller = self.cluster.controller_id()
            return controller if controller in live else None
        return live[int(choice * len(live))] if live else None

    def _wait_recovered(self, restarted=None, old_registration=None):
        """Seconds until the cluster recovered (and broker `restarted` registered anew, not
        as `old_registration`), None when it did not in time."""
        start = time.time()

        def recovered():
            if restarted is not None:
                now = self.cluster.registration(restarted)
                if now is None or now == old_registration:
                    return False
            return self.cluster.recovered()

        try:
            wait_until(recovered, self.recovery_timeout, "recovery", interval=0.1)
        except AssertionError:
            return None
        return round(time.time() - start, 2)

    def _state(self):
        try:
            return "registered %s, controller %s, partitions %s" % (
                self.cluster.registered_ids(), self.cluster.controller_id(),
                {p: (s["leader"], s["isr"]) for p, (s, _) in
                 sorted(self.cluster.partition_states(self.topic).items())})
        except Exception as e:  # only for the log
            return "state unknown: %r" % e

    def _unsynced(self):
        try:
            return self.cluster.unsynced_history()
        except Exception as e:  # only for the log
            return "\nhistory unknown: %r" % e

    def counts(self):
        out = {}
        for fault in self.applied:
            out[fault["kind"]] = out.get(fault["kind"], 0) + 1
        return out
