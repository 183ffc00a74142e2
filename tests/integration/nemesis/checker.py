"""The nemesis test's checker: judges the final log of every partition against what the
producers were told and what the consumer group read, and the in-sync replicas against
the leader. Pure: it takes the records, returns a Verdict, and knows nothing of brokers.

The properties (issue 16, after Jepsen's Kafka analyses):
- lost: an acknowledged value is not in the final log, or not at the offset its
  acknowledgement gave;
- duplicated: a value is stored at more than one offset. Copies in batches of one producer
  id under different epochs, from a producer that logged an epoch bump, are counted apart
  as re-sent, not as a violation: after a bump the client sends what it may already have
  stored under new sequence numbers (librdkafka issue 4953), and no broker can tell those
  from new values, as Kafka's idempotence holds per producer id and epoch;
- reordered: within one producer and partition, values acknowledged one after the other
  are stored in the other order (and, for an idempotent producer, stored values out of
  send order at all);
- phantom: a stored value that no producer sent;
- bad read: a consumer was given a value that is not at that offset of the final log (a
  read of data later truncated), or two values at one offset;
- unread: an offset of the final log that no member of the consumer group was given (the
  group stores an offset only after it read the record, so its commits never pass over
  one);
- divergent: an in-sync replica's bytes differ from the leader's below the high watermark,
  or it holds less than the high watermark;
- sequence: an idempotent producer's batches repeat or skip sequence numbers within one
  producer id and epoch.
"""

import collections

from replication_fixture import batches, records

EXAMPLES = 5  # examples kept per kind of violation


class Verdict:
    """Violations by kind ({kind: [example text]}, with counts) and the run's figures."""

    def __init__(self):
        self.violations = collections.OrderedDict()
        self.counts = collections.Counter()
        self.figures = collections.OrderedDict()
        self.unknown_offsets = 0  # acknowledgements that named no offset
        self.resent = []  # examples of values re-sent under a new producer epoch

    def add(self, kind, text):
        self.counts[kind] += 1
        examples = self.violations.setdefault(kind, [])
        if len(examples) < EXAMPLES:
            examples.append(text)

    @property
    def ok(self):
        return not self.violations

    def summary(self):
        lines = ["%s: %s" % (k, v) for k, v in self.figures.items()]
        if self.resent:
            lines.append("re-sent (examples): %s" % "; ".join(self.resent[:EXAMPLES]))
        for kind, examples in self.violations.items():
            lines.append("VIOLATION %s (%d): %s" % (kind, self.counts[kind],
                                                    "; ".join(examples)))
        return "\n".join(lines)


def stored_values(logs):
    """{partition: [(offset, value)]} of the batches read from each final leader."""
    return {p: [(o, v) for o, _, v in records(log)] for p, log in logs.items()}


def check(logs, histories, consumed, replicas=None):
    """logs: {partition: bytes} read from each partition's final leader up to its high
    watermark. histories: the producers' ProducerHistory. consumed: (reader, partition,
    offset, value) of everything the group read. replicas: {partition: {broker: bytes}} of
    each in-sync replica (None: not checked)."""
    verdict = Verdict()
    stored = stored_values(logs)
    where = collections.defaultdict(list)  # value -> [(partition, offset)]
    at = {}  # (partition, offset) -> value
    for p, entries in stored.items():
        for o, v in entries:
            where[v].append((p, o))
            at[(p, o)] = v
    sent_by = {}
    for h in histories:
        for seq, (value, partition) in enumerate(h.sent):
            sent_by[value] = (h, seq, partition)

    writer = _batch_writers(logs)
    resent = 0
    for value, places in where.items():
        if len(places) > 1:
            copies = [writer.get(place) for place in places]
            if _resent_after_bump(copies, sent_by.get(value)):
                resent += 1
                verdict.resent.append("%r at %s by (producer, epoch) %s" % (value, places,
                                                                          copies))
            else:
                verdict.add("duplicated", "%r at %s by (producer, epoch) %s" % (
                    value, places, copies))
        if value not in sent_by:
            verdict.add("phantom", "%r at %s" % (value, places))

    for h in histories:
        _check_producer(verdict, h, where, at)
    _check_reads(verdict, consumed, at)
    for p, log in logs.items():
        _check_sequences(verdict, p, log)
    if replicas is not None:
        _check_replicas(verdict, logs, replicas)

    acked = sum(len(h.acks) for h in histories)
    verdict.figures["records stored"] = sum(len(e) for e in stored.values())
    verdict.figures["high watermarks"] = {p: (e[-1][0] + 1 if e else 0)
                                          for p, e in sorted(stored.items())}
    verdict.figures["values sent"] = sum(len(h.sent) for h in histories)
    verdict.figures["acknowledged"] = acked
    verdict.figures["acknowledged without an offset"] = verdict.unknown_offsets
    verdict.figures["failed (reported)"] = sum(len(h.failures) for h in histories)
    acked_values = {v for h in histories for v, _, _ in h.acks}
    verdict.figures["stored without acknowledgement"] = sum(
        1 for v in where if v in sent_by and v not in acked_values)
    verdict.figures["re-sent under a new producer epoch"] = resent
    verdict.figures["client epoch bumps"] = sum(len(h.epoch_bumps) for h in histories)
    verdict.figures["records read by the group"] = len(consumed)
    read = {(p, o) for _, p, o, _ in consumed}
    for p, o in sorted(set(at) - read):
        verdict.add("unread", "no member of the group read %d@%d" % (p, o))
    return verdict


def _batch_writers(logs):
    """{(partition, offset): (producer id, producer epoch)} of every stored record."""
    writer = {}
    for p, log in logs.items():
        for batch in batches(log):
            for o in range(batch["base_offset"], batch["base_offset"] + batch["count"]):
                writer[(p, o)] = (batch["producer_id"], batch["producer_epoch"])
    return writer


def _resent_after_bump(copies, sender):
    """Whether the copies of one value were written by one producer id under as many
    epochs, by a producer that bumped its epoch."""
    if sender is None or not sender[0].epoch_bumps or None in copies:
        return False
    ids = {pid for pid, _ in copies}
    epochs = {epoch for _, epoch in copies}
    return len(ids) == 1 and min(ids) >= 0 and len(epochs) == len(copies)


def _check_producer(verdict, h, where, at):
    send_order = {value: seq for seq, (value, _) in enumerate(h.sent)}
    last_offset = {}  # partition -> (offset, value) of the previous acknowledgement
    for value, partition, offset in h.acks:
        if offset is None or offset < 0:
            # librdkafka reports a retry the broker answered DUPLICATE_SEQUENCE_NUMBER as
            # delivered at an unknown offset: it must be stored in its partition all the same.
            verdict.unknown_offsets += 1
            offset = None
        places = where.get(value)
        if not places:
            verdict.add("lost", "%s: %r acknowledged at %s@%d, not stored; that offset holds "
                        "%r" % (h.name, value, offset, partition, at.get((partition, offset))))
            continue
        if offset is None and all(p != partition for p, _ in places):
            verdict.add("lost", "%s: %r acknowledged in partition %d, stored at %s" % (
                h.name, value, partition, places))
        if offset is not None and (partition, offset) not in places:
            verdict.add("lost", "%s: %r acknowledged at %d@%d, stored at %s" % (
                h.name, value, partition, offset, places))
        stored_at = places[0][1]
        previous = last_offset.get(partition)
        if previous is not None and stored_at <= previous[0]:
            verdict.add("reordered", "%s: %r acknowledged after %r but stored at %d@%d, "
                        "before it (%d)" % (h.name, value, previous[1], partition, stored_at,
                                            previous[0]))
        last_offset[partition] = (stored_at, value)
    if h.idempotent:
        by_partition = collections.defaultdict(list)
        for value, places in where.items():
            # The first copy only: a later one is a duplicate, reported as such.
            if value in send_order:
                p, o = places[0]
                by_partition[p].append((o, send_order[value], value))
        for p, entries in by_partition.items():
            entries.sort()
            for (o1, s1, v1), (o2, s2, v2) in zip(entries, entries[1:]):
                if s2 < s1:
                    verdict.add("reordered", "%s: %r (sent #%d) stored at %d@%d after %r "
                                "(sent #%d) at %d" % (h.name, v2, s2, p, o2, v1, s1, o1))


def _check_reads(verdict, consumed, at):
    values_at = collections.defaultdict(set)
    for reader, p, o, v in consumed:
        values_at[(p, o)].add(v)
        final = at.get((p, o))
        if final != v:
            verdict.add("bad read", "%s read %r at %d@%d; the final log holds %r there" % (
                reader, v, p, o, final))
    for (p, o), values in values_at.items():
        if len(values) > 1:
            verdict.add("bad read", "values %s read at %d@%d" % (sorted(values), p, o))


def _check_sequences(verdict, partition, log):
    following = {}
    for batch in batches(log):
        if batch["producer_id"] < 0:
            continue
        key = (batch["producer_id"], batch["producer_epoch"])
        expected = following.get(key)
        if expected is not None and batch["base_sequence"] != expected:
            verdict.add("sequence", "partition %d, producer %d epoch %d: sequence %d at offset "
                        "%d, expected %d" % (partition, key[0], key[1], batch["base_sequence"],
                                             batch["base_offset"], expected))
        following[key] = batch["base_sequence"] + batch["count"]


def _check_replicas(verdict, logs, replicas):
    for p, by_broker in sorted(replicas.items()):
        leader_log = logs[p]
        for broker, log in sorted(by_broker.items()):
            if len(log) < len(leader_log):
                verdict.add("divergent", "partition %d: broker %d holds %d bytes, below the "
                            "high watermark's %d" % (p, broker, len(log), len(leader_log)))
            elif log[:len(leader_log)] != leader_log:
                first = next(i for i in range(len(leader_log)) if log[i] != leader_log[i])
                verdict.add("divergent", "partition %d: broker %d differs from the leader at "
                            "byte %d of %d" % (p, broker, first, len(leader_log)))
