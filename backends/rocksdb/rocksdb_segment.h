// RocksDbSegment: one segment of the RocksDB backend, the key range [base offset, next
// offset) of its partition in the data column family plus its 'S' record and 'T' time
// index entries in the meta column family (layouts: rocksdb_format.h). Every append writes
// the batch, the updated segment record and any time index entry in one WriteBatch, so
// after a crash they agree. Reads seek; they copy the batches out (no file slices) and
// check each batch's CRC-32C, so a damaged batch is never served: a read stops before it,
// and a read of its offsets fails with Corruption. Damage is remembered from recovery
// and from the first read that meets it (logged then, once, at ERROR).
//
// Thread safety as Segment: Append, Flush, Seal and TruncateTo need one caller at a time;
// reads and getters run concurrently with them (the counters are atomics).
#pragma once

#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/rocksdb/rocksdb_format.h"
#include "backends/rocksdb/rocksdb_instance.h"
#include "engine/log/segment.h"

namespace ringlog {

class RocksDbSegment final : public Segment {
 public:
  // A segment of the partition whose compact id is `partition_id`, in the state `record`
  // describes, which must already be stored, holding the damaged batches `damage` (found
  // by recovery). `label` names it in messages.
  RocksDbSegment(std::shared_ptr<RocksDbInstance> db, std::string label, uint32_t partition_id,
                 Offset base_offset, const rocksdb_format::SegmentRecord& record,
                 std::vector<DamagedRange> damage = {});

  Offset base_offset() const override { return base_offset_; }
  Offset next_offset() const override { return next_offset_.load(std::memory_order_acquire); }
  uint64_t size_bytes() const override { return size_bytes_.load(std::memory_order_acquire); }
  TimestampMs max_timestamp() const override {
    return max_timestamp_.load(std::memory_order_acquire);
  }
  bool sealed() const override { return sealed_.load(std::memory_order_acquire); }

  Status Append(const RecordBatchView& batch, WrittenCallback written) override;
  Result<ReadResult> Read(Offset offset, size_t max_bytes) const override;
  Result<Offset> FindOffsetByTimestamp(TimestampMs ts) const override;
  std::vector<DamagedRange> damaged_ranges() const override;
  Status Flush() override;
  Status Seal() override;
  Status TruncateTo(Offset offset) override;

 private:
  rocksdb_format::SegmentRecord CurrentRecord() const;
  // Makes `record` what the getters report; next_offset last, so that a reader that sees
  // the new end also sees the batch behind it.
  void Publish(const rocksdb_format::SegmentRecord& record);
  // Where TruncateTo(offset) cuts: the base offset of the first batch to drop.
  Result<Offset> CutPoint(Offset offset, Offset end) const;
  // The running maximum timestamp just before `offset`, from the time index.
  Result<TimestampMs> MaxTimestampBefore(Offset offset) const;
  // Bytes stored in [from, to).
  Result<uint64_t> BytesBetween(Offset from, Offset to) const;
  // The damaged batch stored under `key_offset`, which failed with `why`, as a read met
  // it: remembered and logged if new. `it` is positioned at it (this moves it on); `end`
  // is the segment's end. Returns the range it holds.
  DamagedRange NoteDamage(Offset key_offset, Offset end, rocksdb::Iterator* it,
                          const Status& why) const;

  const std::shared_ptr<RocksDbInstance> db_;
  const std::string label_;
  const uint32_t partition_id_;
  const Offset base_offset_;
  std::atomic<Offset> next_offset_;
  std::atomic<uint64_t> size_bytes_;
  std::atomic<TimestampMs> max_timestamp_;
  std::atomic<bool> sealed_;
  // The known damaged batches, in offset order; reads add what they meet.
  mutable std::mutex damage_mu_;
  mutable std::vector<DamagedRange> damage_;
  // Reused by every Append (one caller at a time), so that a batch of a megabyte is not
  // a fresh allocation, and fresh pages, each time; released by Seal().
  rocksdb::WriteBatch append_write_;
};

}  // namespace ringlog
