"""What the replication tests (test_replication_*.py) share: topics placed on chosen
replicas, the ISR as ZooKeeper and every broker's Metadata show it, and the bytes each
replica holds.

A replica's bytes are read through the Fetch API from the broker that leads the partition,
so reading every replica of a partition means making each replica the leader in turn:
replica_logs() reads the leader, stops it (SIGTERM, so its session ends at once and the
controller elects the next in-sync replica), reads the new leader, and so on. It leaves the
stopped brokers down; tests call it last. The first read is a consumer's (up to the high
watermark), the later ones a replica's on behalf of a stopped broker (up to the log end), so
a suffix one replica holds beyond the others shows as a difference.
"""

import struct

from kafka.admin import KafkaAdminClient, NewTopic

from cluster_fixture import ClusterTestCase
from cluster_wire import NONE, list_offsets, metadata, read_log

# RecordBatch v2 header up to the record count (61 bytes).
BATCH_HEADER = struct.Struct(">qiibIhiqqqhii")


def _varint(data, pos):
    """A zigzag varint at `pos`: (value, position after it)."""
    shift = value = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return (value >> 1) ^ -(value & 1), pos
        shift += 7


def batches(log):
    """The header fields of every batch of `log` (bytes as read_log returns them): dicts with
    base_offset, leader_epoch, producer_id, producer_epoch, base_sequence, count."""
    pos = 0
    while pos < len(log):
        (base, length, epoch, _magic, _crc, _attrs, _delta, _ts, _max_ts, pid, pepoch, seq,
         count) = BATCH_HEADER.unpack_from(log, pos)
        yield dict(base_offset=base, leader_epoch=epoch, producer_id=pid, producer_epoch=pepoch,
                   base_sequence=seq, count=count)
        pos += 12 + length


def records(log):
    """(offset, key, value) of every record of `log` (uncompressed batches only)."""
    out = []
    pos = 0
    while pos < len(log):
        fields = BATCH_HEADER.unpack_from(log, pos)
        base, length, attributes, count = fields[0], fields[1], fields[5], fields[12]
        if attributes & 0x7:
            raise AssertionError("a compressed batch at offset %d" % base)
        at, end = pos + BATCH_HEADER.size, pos + 12 + length
        for _ in range(count):
            size, at = _varint(log, at)
            record_end = at + size
            at += 1  # attributes
            _, at = _varint(log, at)  # timestamp delta
            delta, at = _varint(log, at)
            key_len, at = _varint(log, at)
            key = None if key_len < 0 else log[at:at + key_len]
            at += max(key_len, 0)
            value_len, at = _varint(log, at)
            value = None if value_len < 0 else log[at:at + value_len]
            out.append((base + delta, key, value))
            at = record_end
        pos = end
    return out


class ReplicationTestCase(ClusterTestCase):
    """A 3-broker cluster for replication tests, with helpers for placed topics, the ISR
    and the replicas' bytes."""

    def create_topic(self, name, assignment, configs=None):
        """Creates `name` with the replica assignment {partition: [broker ids]} (the first
        is the preferred leader) and topic `configs`; waits until every partition has a
        serving leader; returns {partition: leader}."""
        admin = KafkaAdminClient(bootstrap_servers=self.cluster.bootstrap(),
                                 request_timeout_ms=15000)
        try:
            admin.create_topics([NewTopic(name, -1, -1, replica_assignments=assignment,
                                          topic_configs=configs or {})])
        finally:
            admin.close()
        return self.wait_for_leaders(name, len(assignment))

    def non_controllers(self):
        """The live brokers that are not the controller, in id order."""
        controller = self.cluster.controller_id()
        return [i for i in self.cluster.live_ids if i != controller]

    def zk_state(self, topic, partition):
        """(state JSON, ZnodeStat) of a partition's state znode."""
        return self.cluster.partition_states(topic)[partition]

    def metadata_partition(self, broker_id, topic, partition):
        return metadata(self.cluster.broker(broker_id).port,
                        [topic])["topics"][topic]["partitions"][partition]

    def isr_everywhere(self, topic, partition):
        """The ISR (sorted) when ZooKeeper and every live broker's Metadata agree on it, else
        None."""
        state, _ = self.zk_state(topic, partition)
        isr = sorted(state["isr"])
        for i in self.cluster.live_ids:
            if sorted(self.metadata_partition(i, topic, partition)["isr"]) != isr:
                return None
        return isr

    def wait_isr(self, topic, partition, expected, timeout=20.0):
        """Until ZooKeeper and every live broker's Metadata show the ISR `expected`."""
        expected = sorted(expected)
        self.wait_until(lambda: self.isr_everywhere(topic, partition) == expected, timeout,
                        "ISR of %s-%d to be %s (ZooKeeper: %s)" % (
                            topic, partition, expected,
                            self.cluster.partition_states(topic).get(partition, (None,))[0]))

    def leader_serving(self, topic, partition, timeout=20.0):
        """The live leader of a partition once it answers ListOffsets for it."""
        def serving():
            leader = self.cluster.leaders(topic).get(partition, -1)
            if leader not in self.cluster.live_ids:
                return None
            port = self.cluster.broker(leader).port
            return leader if list_offsets(port, topic, partition)[0] == NONE else None

        return self.wait_until(serving, timeout, "a serving leader of %s-%d" % (topic, partition))

    def replica_logs(self, partitions, replicas):
        """{(topic, partition): {broker: bytes}} for every partition in `partitions` (each
        replicated on the brokers `replicas`) and every replica, read by making each replica
        the leader in turn (see the module's comment). Leaves all but the last one stopped."""
        logs = {tp: {} for tp in partitions}
        while True:
            stopped = [i for i in replicas if i in self.cluster.down]
            leaders = set()
            for topic, partition in partitions:
                leader = self.leader_serving(topic, partition)
                port = self.cluster.broker(leader).port
                logs[(topic, partition)][leader] = read_log(
                    port, topic, partition, replica_id=stopped[0] if stopped else -1)
                leaders.add(leader)
            if all(len(got) == len(replicas) for got in logs.values()):
                return logs
            if len(leaders) != 1 or len(stopped) == len(replicas) - 1:
                self.fail("could not read every replica: the partitions are led by %s, read "
                          "%s" % (sorted(leaders), {tp: sorted(v) for tp, v in logs.items()}))
            self.cluster.stop(leaders.pop())

    def assert_replicas_identical(self, partitions, replicas):
        """Every replica of each partition holds the same bytes; {(topic, partition): those
        bytes}."""
        logs = self.replica_logs(partitions, replicas)
        same = {}
        for tp, by_broker in logs.items():
            first = by_broker[replicas[0]]
            for broker, log in by_broker.items():
                if log != first:
                    self.fail("%s-%d: broker %d holds %d bytes (%d records), broker %d %d bytes "
                              "(%d records), first difference at byte %d" % (
                                  tp[0], tp[1], replicas[0], len(first), len(records(first)),
                                  broker, len(log), len(records(log)),
                                  next((k for k in range(min(len(first), len(log)))
                                        if first[k] != log[k]), min(len(first), len(log)))))
            same[tp] = first
        return same
