"""The nemesis checker (nemesis/checker.py) on made-up histories: a clean run passes, and
each kind of violation the nemesis test exists to find is reported as that kind — a lost
or moved acknowledgement, a duplicate, a reordering, a phantom value, a read of data later
truncated, two values read at one offset, an offset the group never read, a divergent or
short replica, a sequence gap. No broker is involved."""

import struct
import unittest

from kafka_wire import record_batch
from nemesis.checker import check
from nemesis.workload import ProducerHistory


def log_of(batches):
    """Concatenated batches [(values, producer id, base sequence[, producer epoch])] at
    consecutive offsets; the epoch is 0 unless given."""
    out, offset = b"", 0
    for values, pid, seq, *epoch in batches:
        batch = record_batch(values, producer_id=pid,
                             epoch=(epoch[0] if epoch else 0) if pid >= 0 else -1,
                             base_sequence=seq, base_ts=1000)
        out += struct.pack(">q", offset) + batch[8:]
        offset += len(values)
    return out


def history(name, idempotent, sent, acks):
    h = ProducerHistory(name, idempotent)
    h.sent = list(sent)
    h.acks = list(acks)
    return h


class CheckerTest(unittest.TestCase):
    def setUp(self):
        # Producer "a" (idempotent, id 7) wrote a0..a3 to partition 0; "b" wrote b0, b1 to 1.
        self.logs = {0: log_of([([b"a0", b"a1"], 7, 0), ([b"a2", b"a3"], 7, 2)]),
                     1: log_of([([b"b0"], -1, -1), ([b"b1"], -1, -1)])}
        self.a = history("a", True, [(b"a%d" % i, 0) for i in range(4)],
                         [(b"a%d" % i, 0, i) for i in range(4)])
        self.b = history("b", False, [(b"b0", 1), (b"b1", 1)], [(b"b0", 1, 0), (b"b1", 1, 1)])
        self.consumed = [("r", 0, 0, b"a0"), ("r", 0, 1, b"a1"), ("r", 1, 0, b"b0"),
                         ("r", 0, 1, b"a1"), ("s", 0, 2, b"a2"), ("s", 0, 3, b"a3"),
                         ("s", 1, 1, b"b1")]
        self.replicas = {0: {1: self.logs[0], 2: self.logs[0] + b"beyond"},
                         1: {1: self.logs[1], 3: self.logs[1]}}

    def verdict(self):
        return check(self.logs, [self.a, self.b], self.consumed, self.replicas)

    def assertOnly(self, kind):
        verdict = self.verdict()
        self.assertEqual(list(verdict.violations), [kind], verdict.summary())

    def test_a_clean_run_passes(self):
        verdict = self.verdict()
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.figures["acknowledged"], 6)
        self.assertEqual(verdict.figures["high watermarks"], {0: 4, 1: 2})

    def test_an_acknowledged_value_missing(self):
        self.a.sent.append((b"a4", 0))
        self.a.acks.append((b"a4", 0, 4))
        self.assertOnly("lost")

    def test_an_acknowledgement_without_an_offset(self):
        self.a.acks[2] = (b"a2", 0, None)
        verdict = self.verdict()
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.figures["acknowledged without an offset"], 1)
        self.a.acks[2] = (b"a2", 1, None)
        self.assertOnly("lost")

    def test_an_acknowledged_value_stored_elsewhere(self):
        self.b.acks[1] = (b"b1", 1, 0)
        self.assertIn("lost", self.verdict().violations)

    def test_a_value_stored_twice(self):
        self.logs[1] = log_of([([b"b0"], -1, -1), ([b"b1"], -1, -1), ([b"b1"], -1, -1)])
        self.replicas[1] = {1: self.logs[1]}
        self.consumed.append(("s", 1, 2, b"b1"))
        self.assertIn("duplicated", self.verdict().violations)

    def resend_after_bump(self, second_epoch):
        """a2, a3 stored again by producer 7 at `second_epoch`, sequence 0."""
        self.logs[0] = log_of([([b"a0", b"a1"], 7, 0), ([b"a2", b"a3"], 7, 2),
                               ([b"a2", b"a3"], 7, 0, second_epoch)])
        self.replicas[0] = {1: self.logs[0]}
        self.consumed += [("s", 0, 4, b"a2"), ("s", 0, 5, b"a3")]

    def test_a_value_resent_under_a_new_epoch_after_a_bump(self):
        self.resend_after_bump(1)
        self.a.epoch_bumps.append((0.0, "drained, bumped epoch to PID{Id:7,Epoch:1}"))
        verdict = self.verdict()
        self.assertTrue(verdict.ok, verdict.summary())
        self.assertEqual(verdict.figures["re-sent under a new producer epoch"], 2)

    def test_a_value_stored_twice_under_new_epoch_without_a_bump(self):
        self.resend_after_bump(1)
        self.assertIn("duplicated", self.verdict().violations)

    def test_a_value_stored_twice_under_one_epoch_despite_a_bump(self):
        self.resend_after_bump(0)
        self.a.epoch_bumps.append((0.0, "drained, bumped epoch"))
        self.assertIn("duplicated", self.verdict().violations)

    def test_acknowledgements_stored_out_of_order(self):
        self.b.acks = [(b"b1", 1, 1), (b"b0", 1, 0)]
        self.assertOnly("reordered")

    def test_an_idempotent_producer_stored_out_of_send_order(self):
        self.a.sent[1], self.a.sent[2] = self.a.sent[2], self.a.sent[1]
        self.a.acks = [(b"a0", 0, 0), (b"a3", 0, 3)]
        self.assertOnly("reordered")

    def test_a_value_nobody_sent(self):
        self.b.sent.pop()
        self.b.acks.pop()
        self.assertOnly("phantom")

    def test_a_read_of_data_later_truncated(self):
        self.consumed.append(("r", 1, 1, b"gone"))
        self.assertOnly("bad read")

    def test_a_read_beyond_the_final_log(self):
        self.consumed.append(("r", 1, 2, b"b2"))
        self.assertOnly("bad read")

    def test_an_offset_the_group_passed_over(self):
        self.consumed.remove(("s", 0, 2, b"a2"))
        self.assertOnly("unread")

    def test_a_divergent_replica(self):
        self.replicas[0][2] = self.logs[0][:-1] + b"X"
        self.assertOnly("divergent")

    def test_a_replica_below_the_high_watermark(self):
        self.replicas[1][3] = self.logs[1][:10]
        self.assertOnly("divergent")

    def test_a_sequence_gap(self):
        self.logs[0] = log_of([([b"a0", b"a1"], 7, 0), ([b"a2", b"a3"], 7, 3)])
        self.replicas[0] = {1: self.logs[0]}
        self.assertOnly("sequence")


if __name__ == "__main__":
    unittest.main()
