"""Two librdkafka consumers with the cooperative-sticky assignor (KIP-429), the second
joining once the first owns every partition, and what each rebalance callback saw.

The expected course: generation 1 gives member A every partition. B's join starts
generation 2, in which the leader moves half of A's partitions to nobody (A must revoke
them first) and gives B an empty assignment, so B's first on_assign is empty. A revokes,
rejoins at once, and generation 3 hands the revoked partitions to B: B's second on_assign.
The race this guards: A's rejoin reaching the coordinator before B's SyncGroup of
generation 2, which must not cost B that generation.

Used by test_groups_cooperative.py (a few runs) and, run as a script, as the long loop
behind scripts/rebalance_loop.sh:
    python3 cooperative_rebalance.py RUNS OUT_JSONL   (RINGLOG_BINARY / RINGLOG_BACKEND set)
which starts one broker per run and writes one JSON line per run ("overtaken": whether the
broker logged that B collected its assignment after A's rejoin; brokers before the fix
never log it).
"""

import json
import sys
import time

from confluent_kafka import Consumer

from kafka_helpers import ck_produce, ck_producer
from ringlog_fixture import Broker

PARTITIONS = 4
BROKER_ARGS = ("--group_initial_rebalance_delay_ms=100", "--num_partitions=%d" % PARTITIONS)
# How long the group may take to split the partitions once B subscribes; it takes about
# 1-2 s (two heartbeat intervals and two rebalances).
CONVERGE_SECONDS = 15.0
# How long the split must then hold without another callback.
SETTLE_SECONDS = 1.5
# What the broker logs when a SyncGroup arrives after the next rebalance began (the race).
OVERTAKEN = "after the next rebalance began"


class Member:
    """One consumer and the callbacks it saw, as (seconds, "assign"|"revoke", [partitions])."""

    def __init__(self, bootstrap, group, topic, start):
        self.events = []
        self.consumer = Consumer({
            "bootstrap.servers": bootstrap, "group.id": group,
            "partition.assignment.strategy": "cooperative-sticky",
            "auto.offset.reset": "earliest", "enable.auto.commit": False,
            "session.timeout.ms": 6000, "heartbeat.interval.ms": 500})

        def record(kind):
            return lambda _, partitions: self.events.append(
                (round(time.time() - start, 3), kind, sorted(p.partition for p in partitions)))
        self.consumer.subscribe([topic], on_assign=record("assign"),
                                on_revoke=record("revoke"))

    def owned(self):
        return sorted(p.partition for p in self.consumer.assignment())

    def assigns(self):
        return [partitions for _, kind, partitions in self.events if kind == "assign"]

    def revoked(self):
        return sorted(p for _, kind, ps in self.events if kind == "revoke" for p in ps)


def poll_until(members, predicate, seconds):
    """Polls every member until predicate() holds (True) or `seconds` pass (False)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        for member in members:
            for msg in member.consumer.consume(num_messages=100, timeout=0.05):
                if msg.error():
                    raise AssertionError("consume error: %s" % msg.error())
        if predicate():
            return True
    return False


def run(bootstrap, name):
    """Runs the scenario on a fresh topic and group `name`; returns a dict with the
    outcome ("problems" is empty when everything went as expected)."""
    ck_produce(ck_producer(bootstrap),
               name, [(b"k%d" % i, b"v%d" % i, None, None) for i in range(20)])
    start = time.time()
    a = Member(bootstrap, name, name, start)
    b = None
    problems = []
    try:
        if not poll_until([a], lambda: len(a.owned()) == PARTITIONS, CONVERGE_SECONDS):
            problems.append("A never owned every partition: %s" % a.owned())
            return {"problems": problems, "a": a.events, "b": []}
        b = Member(bootstrap, name, name, start)
        b_start = time.time()

        def split():
            owned_a, owned_b = a.owned(), b.owned()
            return bool(owned_a and owned_b) and sorted(owned_a + owned_b) == list(
                range(PARTITIONS))
        converged = poll_until([a, b], split, CONVERGE_SECONDS)
        seconds = round(time.time() - b_start, 3)
        if not converged:
            problems.append("no split within %.0f s: A owns %s, B owns %s" %
                            (CONVERGE_SECONDS, a.owned(), b.owned()))
        else:
            b_callbacks = len(b.events)
            poll_until([a, b], lambda: False, SETTLE_SECONDS)
            if not split() or len(b.events) != b_callbacks:
                problems.append("the split did not hold: A owns %s, B owns %s" %
                                (a.owned(), b.owned()))
        owned_b = b.owned()
        if len(b.assigns()) != 2 or b.assigns()[0] != [] or b.assigns()[1] != owned_b:
            problems.append("B's on_assign calls were %s, expected [[], %s]" %
                            (b.assigns(), owned_b))
        if b.revoked():
            problems.append("B had partitions revoked: %s" % b.revoked())
        if a.revoked() != owned_b:
            problems.append("A revoked %s but B owns %s" % (a.revoked(), owned_b))
        return {"problems": problems, "seconds": seconds, "a": a.events, "b": b.events}
    finally:
        a.consumer.close()
        if b is not None:
            b.consumer.close()


def main(runs, out_path):
    failed = overtaken = 0
    with open(out_path, "a") as out:
        for i in range(runs):
            broker = Broker(BROKER_ARGS).start()
            try:
                outcome = run(broker.bootstrap, "coop%d" % i)
                outcome["overtaken"] = OVERTAKEN in broker.output()
            finally:
                broker.close()
            outcome["run"] = i
            outcome["backend"] = broker.backend
            failed += bool(outcome["problems"])
            out.write(json.dumps(outcome) + "\n")
            out.flush()
            overtaken += outcome["overtaken"]
            print("run %d/%d %s%s %s" % (i + 1, runs, "FAIL" if outcome["problems"] else "ok",
                                         " (overtaken)" if outcome["overtaken"] else "",
                                         "; ".join(outcome["problems"])), flush=True)
    print("%d of %d runs failed; in %d the leader's rejoin overtook B's SyncGroup" %
          (failed, runs, overtaken))
    return failed


if __name__ == "__main__":
    sys.exit(1 if main(int(sys.argv[1]), sys.argv[2]) else 0)
