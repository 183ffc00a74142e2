#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/<target>/.

The seeds come from what real clients sent and wrote: the captured request frames of
tests/net/golden and the record batches of tests/data/batches (made by kafka-python's
batch builder), plus batches built here with that same builder. Requests for the APIs no
capture covers (DeleteRecords, AlterConfigs, CreatePartitions, Metadata v8) and the
files of a segment are encoded here by hand, from the layouts in the codecs and in
engine/log/format.h. The fuzzers grow their corpus from these; scripts/fuzz.sh --merge folds
what they found back in.

Run with the system interpreter, which has kafka-python:
    /usr/bin/python3 tests/fuzz/make_corpus.py
"""

import os
import struct
from unittest import mock

from kafka.record.default_records import DefaultRecordBatchBuilder

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "tests", "net", "golden")
BATCHES = os.path.join(ROOT, "tests", "data", "batches")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
BASE_TS = 1700000000000


def write(target, name, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, name), "wb") as f:
        f.write(data)


def golden(name):
    with open(os.path.join(GOLDEN, name + ".bin"), "rb") as f:
        return f.read()


def golden_batch(name):
    with open(os.path.join(BATCHES, name + ".bin"), "rb") as f:
        return f.read()


# ---- Kafka wire primitives (non-flexible versions) -------------------------------------

def i8(v):
    return struct.pack(">b", v)


def i16(v):
    return struct.pack(">h", v)


def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def string(s):
    if s is None:
        return i16(-1)
    b = s.encode()
    return i16(len(b)) + b


def array(items):
    return i32(len(items)) + b"".join(items)


def header(api_key, version, correlation_id=7, client_id="fuzz-seed"):
    return i16(api_key) + i16(version) + i32(correlation_id) + string(client_id)


def framed(*frames):
    return b"".join(i32(len(f)) + f for f in frames)


# The harness puts the member id the broker handed out in place of this string
# (tests/fuzz/fuzz_broker.h), so that sessions can go on past their JoinGroup.
MEMBER = string("@member")


def with_member_placeholder(frame, captured_id):
    """A captured frame with the capture's member id replaced by the placeholder."""
    return frame.replace(string(captured_id), MEMBER)


# ---- Record batches -------------------------------------------------------------------

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def build_batch(records, codec="none", transactional=False, producer_id=-1, epoch=-1, seq=-1):
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=CODECS[codec], is_transactional=transactional,
        producer_id=producer_id, producer_epoch=epoch, base_sequence=seq,
        batch_size=1 << 24)
    for i, (key, value, headers) in enumerate(records):
        builder.append(i, timestamp=BASE_TS + i, key=key, value=value, headers=headers)
    # gzip stamps the time into its header: a fixed one keeps the seeds reproducible.
    with mock.patch("gzip.time.time", return_value=0):
        return bytes(builder.build())


def records_count(batch):
    return struct.unpack(">i", batch[57:61])[0]


def with_base_offset(batch, base):
    """The base offset lies outside the CRC: rewriting it keeps the batch valid."""
    return i64(base) + batch[8:]


def many_records(n, size):
    return [(b"key-%d" % i, bytes([i % 256]) * size, []) for i in range(n)]


def seed_batches():
    out = {}
    for name in ("uncompressed_mixed", "uncompressed_idempotent", "uncompressed_transactional",
                 "gzip", "snappy", "lz4", "zstd"):
        out[name] = golden_batch(name)
    out["one_record"] = build_batch([(b"k", b"v", [])])
    out["null_key_and_value"] = build_batch([(None, None, [("h", None)])])
    out["many_small"] = build_batch(many_records(40, 3))
    # Regression: offsets that overflow past the largest offset (next_offset() was
    # undefined behaviour in validation and in recovery).
    out["regression_offset_overflow"] = with_base_offset(golden_batch("uncompressed_mixed"),
                                                         (1 << 63) - 3)
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        out["headers_" + codec] = build_batch(
            [(b"k%d" % i, b"value", [("a", b"1"), ("b", None)]) for i in range(5)], codec)
    return out


# ---- Requests -------------------------------------------------------------------------

def produce_v7(topic, partition, batch, acks=-1):
    body = (string(None) + i16(acks) + i32(30000) +
            array([string(topic) + array([i32(partition) + i32(len(batch)) + batch])]))
    return header(0, 7) + body


def fetch_v4(topic, partition, offset, max_wait=0):
    body = (i32(-1) + i32(max_wait) + i32(1) + i32(1 << 20) + i8(0) +
            array([string(topic) + array([i32(partition) + i64(offset) + i32(1 << 20)])]))
    return header(1, 4) + body


def delete_records(version):
    body = (array([string("golden") + array([i32(0) + i64(1), i32(1) + i64(-1)])]) + i32(5000))
    return header(21, version) + body


def alter_configs(version):
    body = (array([i8(2) + string("golden") +
                   array([string("retention.ms") + string("3600000"),
                          string("cleanup.policy") + string(None)])]) + i8(0))
    return header(33, version) + body


def create_partitions(version):
    body = (array([string("golden") + i32(4) + i32(-1),
                   string("golden-topic") + i32(3) + array([array([i32(0)])])]) +
            i32(5000) + i8(0))
    return header(37, version) + body


def create_topics_assigned(version):
    body = (array([string("assigned") + i32(-1) + i16(-1) +
                   array([i32(0) + array([i32(0)]), i32(1) + array([i32(0)])]) +
                   array([string("cleanup.policy") + string("compact"),
                          string("segment.bytes") + string("1048576")])]) +
            i32(5000) + i8(0))
    return header(19, version) + body


def describe_configs_broker(version):
    body = (array([i8(4) + string("0") + i32(-1), i8(2) + string("golden") + i32(-1)]) +
            (i8(1) if version >= 1 else b""))
    return header(32, version) + body


def offset_fetch_all(version):
    return header(9, version) + string("golden-group") + i32(-1)


def describe_groups_v4():
    return header(15, 4) + array([string("golden-group-kcat"), string("nobody")]) + i8(1)


def join_group_v5_with_member(first_join):
    """The second JoinGroup of KIP-394: the first one with the member id handed out."""
    p = 8
    p += 2 + struct.unpack(">h", first_join[p:p + 2])[0]  # client id
    p += 2 + struct.unpack(">h", first_join[p:p + 2])[0]  # group id
    p += 8  # session and rebalance timeouts
    assert first_join[p:p + 2] == string("")
    return first_join[:p] + MEMBER + first_join[p + 2:]


def metadata_v8():
    body = array([string("golden"), string("fresh-topic")]) + i8(1) + i8(1) + i8(1)
    return header(3, 8) + body


def seed_requests():
    out = {}
    for name in sorted(os.listdir(GOLDEN)):
        if name.endswith(".bin"):
            out[name[:-4]] = golden(name[:-4])
    out["delete_records_v0"] = delete_records(0)
    out["delete_records_v1"] = delete_records(1)
    out["alter_configs_v0"] = alter_configs(0)
    out["alter_configs_v1"] = alter_configs(1)
    out["create_partitions_v0"] = create_partitions(0)
    out["create_partitions_v1"] = create_partitions(1)
    out["metadata_v8"] = metadata_v8()
    out["create_topics_v3_assigned"] = create_topics_assigned(3)
    out["describe_configs_v2_broker"] = describe_configs_broker(2)
    out["describe_configs_v0_broker"] = describe_configs_broker(0)
    out["offset_fetch_v2_all"] = offset_fetch_all(2)
    out["describe_groups_v4"] = describe_groups_v4()
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        out["produce_v7_" + codec] = produce_v7("golden", 1, golden_batch(codec))
    out["produce_v7_acks0"] = produce_v7("golden", 0, golden_batch("uncompressed_mixed"), acks=0)
    out["produce_v7_acks1_new_topic"] = produce_v7(
        "fresh-topic", 0, golden_batch("uncompressed_idempotent"), acks=1)
    out["fetch_v4_long_poll"] = fetch_v4("golden", 0, 1, max_wait=500)
    return out


def seed_streams(requests):
    out = {}
    out["session_kafka_python"] = framed(*(requests[n] for n in (
        "kafka_python_api_versions_v0", "kafka_python_metadata_v0", "kafka_python_produce_v7",
        "kafka_python_list_offsets_v1", "kafka_python_fetch_v4")))
    out["session_librdkafka"] = framed(*(requests[n] for n in (
        "librdkafka_api_versions_v3", "librdkafka_metadata_v4", "librdkafka_produce_v7",
        "librdkafka_list_offsets_v2", "librdkafka_fetch_v11")))
    out["session_kafkajs"] = framed(*(requests[n] for n in (
        "kafkajs_api_versions_v2", "kafkajs_metadata_v6", "kafkajs_produce_v7")))
    out["session_admin"] = framed(*(requests[n] for n in (
        "kafka_python_metadata_v5", "kafka_python_create_topics_v3",
        "kafka_python_describe_configs_v2", "alter_configs_v1", "create_partitions_v1",
        "delete_records_v1", "kafka_python_delete_topics_v3", "metadata_v8",
        "create_topics_v3_assigned", "describe_configs_v2_broker")))
    # The captured group sessions, with the member id the capture handed out replaced by
    # the placeholder for the one the broker hands out.
    kcat = {n: with_member_placeholder(requests["group_kcat_" + n], "member-2") for n in (
        "find_coordinator_v2", "join_group_v5", "sync_group_v3", "heartbeat_v3",
        "offset_commit_v7", "offset_fetch_v7", "leave_group_v1")}
    out["session_group_kcat"] = framed(
        kcat["find_coordinator_v2"], kcat["join_group_v5"],
        join_group_v5_with_member(kcat["join_group_v5"]), kcat["sync_group_v3"],
        kcat["heartbeat_v3"], kcat["offset_commit_v7"], kcat["leave_group_v1"],
        requests["group_kafka_python_list_groups_v1"], describe_groups_v4(),
        kcat["offset_fetch_v7"])
    out["session_group_kafka_python"] = framed(*(
        with_member_placeholder(requests["group_kafka_python_" + n], "member-1") for n in (
            "find_coordinator_v0", "join_group_v2", "sync_group_v1", "heartbeat_v1",
            "offset_commit_v2", "offset_fetch_v1", "leave_group_v1", "list_groups_v1",
            "describe_groups_v3", "delete_groups_v1")))
    out["session_compressed_produce_fetch"] = framed(
        requests["produce_v7_gzip"], requests["produce_v7_zstd"], requests["produce_v7_lz4"],
        requests["produce_v7_snappy"], fetch_v4("golden", 1, 0))
    out["session_long_poll_woken"] = framed(
        requests["fetch_v4_long_poll"], requests["kafka_python_produce_v7"])
    # A body of more than 16 KiB, which the decoder reads straight into the frame.
    big = build_batch(many_records(20, 1000))
    out["session_big_produce"] = framed(produce_v7("golden", 0, big), fetch_v4("golden", 0, 0))
    out["negative_size"] = i32(-5) + requests["kafka_python_api_versions_v0"]
    out["size_above_limit"] = i32(1 << 21) + b"\0" * 16
    out["torn_second_frame"] = framed(requests["kafka_python_api_versions_v0"]) + i32(40) + b"\0" * 9
    return out


# ---- Segments (tests/fuzz/segment_fuzzer.cc) -------------------------------------------

FLAG_CLEAN, FLAG_REOPEN, FLAG_SMALL_INDEX = 1, 2, 4
SLOT_BASES = [0, 10, 100, 1000]
KIND_LOG, KIND_INDEX, KIND_TIMEINDEX = 0, 1, 2


def seg_file(slot, kind, data):
    assert len(data) < 1 << 16
    return struct.pack(">BH", slot | (kind << 2), len(data)) + data


def segment_log(slot, batches):
    """The batches one after the other from the slot's base offset (or their own, when
    above it), and their positions."""
    log, positions, offsets = b"", [], []
    offset = SLOT_BASES[slot]
    for batch in batches:
        offset = max(offset, struct.unpack(">q", batch[:8])[0])
        positions.append(len(log))
        offsets.append(offset)
        log += with_base_offset(batch, offset)
        offset += records_count(batch)
    return log, positions, offsets


def index_files(slot, log, positions, offsets, batches):
    base = SLOT_BASES[slot]

    def index_header(magic):
        return struct.pack(">IB3xQ", magic, 1, len(log))

    offset_index = index_header(0x524C4F49) + b"".join(
        struct.pack(">II", o - base, p) for o, p in zip(offsets, positions))
    time_index = index_header(0x524C5449)
    running = None
    for o, batch in zip(offsets, batches):
        max_ts = struct.unpack(">q", batch[35:43])[0]
        if running is None or max_ts > running:
            running = max_ts
            time_index += struct.pack(">qI", max_ts, o - base)
    return offset_index, time_index


def segment_input(flags, segments, indexed=()):
    out = bytes([flags])
    for slot, batches in segments:
        log, positions, offsets = segment_log(slot, batches)
        out += seg_file(slot, KIND_LOG, log)
        if slot in indexed:
            offset_index, time_index = index_files(slot, log, positions, offsets, batches)
            out += seg_file(slot, KIND_INDEX, offset_index) + seg_file(slot, KIND_TIMEINDEX, time_index)
    return out


def seed_segments(batches):
    small = [batches["uncompressed_mixed"], batches["uncompressed_idempotent"],
             batches["uncompressed_transactional"]]  # 5 + 3 + 2 records: offsets 0..9
    out = {}
    out["one_active_unclean"] = segment_input(0, [(0, small)])
    out["one_active_clean_reopen"] = segment_input(FLAG_CLEAN | FLAG_REOPEN, [(0, small)])
    out["compressed_active"] = segment_input(FLAG_SMALL_INDEX,
                                             [(2, [batches["gzip"], batches["zstd"]])])
    two = [(0, small), (1, [batches["lz4"], batches["many_small"]])]
    out["two_clean_indexed"] = segment_input(FLAG_CLEAN | FLAG_REOPEN, two, indexed=(0,))
    out["two_unclean_indexed"] = segment_input(FLAG_SMALL_INDEX, two, indexed=(0,))
    out["two_clean_no_index"] = segment_input(FLAG_CLEAN, two)
    four = [(0, small), (1, [batches["snappy"]]), (2, [batches["zstd"]]),
            (3, [batches["one_record"], batches["headers_gzip"]])]
    out["four_unclean_reopen"] = segment_input(FLAG_REOPEN | FLAG_SMALL_INDEX, four,
                                               indexed=(0, 1, 2))
    # A torn tail: the last batch cut short.
    torn = segment_input(0, [(0, small)])
    out["torn_tail"] = torn[:1] + struct.pack(">BH", 0, len(torn) - 4 - 20) + torn[4:-20]
    # A flipped byte inside a batch in the middle of a sealed segment and of the last one.
    log, positions, _ = segment_log(0, small)
    damaged = bytearray(log)
    damaged[positions[1] + 70] ^= 0x10
    out["damaged_middle_last"] = bytes([FLAG_REOPEN]) + seg_file(0, KIND_LOG, bytes(damaged))
    out["damaged_middle_sealed"] = (bytes([FLAG_REOPEN]) + seg_file(0, KIND_LOG, bytes(damaged)) +
                                    seg_file(1, KIND_LOG, segment_log(1, [batches["lz4"]])[0]))
    # A stale index (written for a shorter log) after a clean shutdown.
    log, positions, offsets = segment_log(0, small)
    offset_index, time_index = index_files(0, log[:positions[2]], positions[:2], offsets[:2],
                                           small[:2])
    out["stale_index_clean"] = (bytes([FLAG_CLEAN | FLAG_REOPEN]) + seg_file(0, KIND_LOG, log) +
                                seg_file(0, KIND_INDEX, offset_index) +
                                seg_file(0, KIND_TIMEINDEX, time_index) +
                                seg_file(1, KIND_LOG, segment_log(1, [batches["one_record"]])[0]))
    # Offsets that overlap the next segment's base.
    out["overlapping_segments"] = segment_input(
        0, [(0, small + [batches["one_record"]]), (1, [batches["one_record"]])])
    out["regression_offset_overflow"] = segment_input(0, [(0, [with_base_offset(
        batches["uncompressed_mixed"], (1 << 63) - 2)])])
    out["empty_segments"] = bytes([FLAG_CLEAN]) + seg_file(0, KIND_LOG, b"") + seg_file(3, KIND_LOG, b"")
    return out


# ---- Offset records (tests/fuzz/offsets_fuzzer.cc) -------------------------------------

def offset_key(group, topic, partition, version=1):
    return i16(version) + string(group) + string(topic) + i32(partition)


def offset_value(offset, metadata="", epoch=-1, commit_time=BASE_TS, version=1):
    meta = i32(-1) if metadata is None else i32(len(metadata.encode())) + metadata.encode()
    return i16(version) + i64(offset) + i32(epoch) + i64(commit_time) + meta


def record(key, value):
    out = bytes([len(key)]) + key
    if value is None:
        return out + bytes([255])
    return out + bytes([len(value)]) + value


def seed_offsets():
    out = {}
    out["one_commit"] = record(offset_key("group-a", "golden", 0), offset_value(42, "meta"))
    out["commits_of_two_groups"] = b"".join([
        record(offset_key("group-a", "golden", 0), offset_value(1)),
        record(offset_key("group-a", "golden", 1), offset_value(2, None, epoch=3)),
        record(offset_key("group-b", "golden-topic", 0), offset_value(7, "x" * 100)),
        record(offset_key("group-a", "golden", 0), offset_value(5)),
        record(offset_key("group-b", "other", 9), offset_value(0)),
    ])
    out["tombstones"] = b"".join([
        record(offset_key("g", "t", 0), offset_value(1)),
        record(offset_key("g", "t", 1), offset_value(2)),
        record(offset_key("g", "t", 0), None),
        record(offset_key("g", "t", 1), None),
        record(offset_key("h", "t", 0), None),
    ])
    out["unknown_versions"] = b"".join([
        record(offset_key("g", "t", 0, version=2), offset_value(1)),
        record(offset_key("g", "t", 0), offset_value(1, version=0)),
        record(offset_key("g", "t", 1), offset_value(3)),
    ])
    out["malformed"] = b"".join([
        record(offset_key("g", "t", 0)[:-2], offset_value(1)),
        record(offset_key("g", "t", 1) + b"\0", offset_value(1)),
        record(offset_key("g", "t", 2), offset_value(1)[:-1]),
        record(offset_key("g", "t", 3), offset_value(1, "abc")[:-4] + i32(-2) + b"abc"),
        record(b"", b""),
    ])
    out["empty_names"] = record(offset_key("", "", -1), offset_value(-1, ""))
    out["snapshot_worthy"] = b"".join(
        record(offset_key("g", "t", i % 3), offset_value(i)) for i in range(20))
    return out


def producer_op(producer, kind, b1=0, b2=0):
    return bytes([producer | (kind << 2), b1, b2])


def seed_producer():
    """Operation lists of producer_fuzzer.cc: next batch (kind 0), retry (4), new epoch
    (5), any epoch and sequence (6), restart (7; b1 odd drops the snapshot)."""
    out = {}
    out["in_order"] = b"".join(producer_op(i % 3, 0, 0, i) for i in range(18))
    out["retries"] = b"".join(
        [producer_op(i % 2, 0, 0, 2) for i in range(8)] +
        [producer_op(0, 4, i, 0) for i in range(8)])
    out["epochs_and_restarts"] = b"".join([
        producer_op(0, 0, 0, 1), producer_op(0, 0, 0, 3), producer_op(1, 0, 0, 0),
        producer_op(0, 5, 0, 2), producer_op(0, 6, 0, 2), producer_op(0, 7, 0, 0),
        producer_op(0, 0, 0, 1), producer_op(1, 4, 2, 0), producer_op(2, 6, 1, 5),
        producer_op(0, 7, 1, 0), producer_op(0, 4, 3, 0), producer_op(1, 0, 0, 3),
        producer_op(2, 0, 0, 0),
    ])
    out["many_rolls"] = b"".join(
        producer_op(i % 3, 0, 0, 3) if i % 10 else producer_op(0, 7, i // 10, 0)
        for i in range(120))
    return out


def main():
    batches = seed_batches()
    for name, data in batches.items():
        write("batch", name, data)
    requests = seed_requests()
    for name, data in requests.items():
        write("request", name, data)
    for name, data in seed_streams(requests).items():
        write("stream", name, data)
    for name, data in seed_segments(batches).items():
        write("segment", name, data)
    for name, data in seed_offsets().items():
        write("offsets", name, data)
    for name, data in seed_producer().items():
        write("producer", name, data)


if __name__ == "__main__":
    main()
