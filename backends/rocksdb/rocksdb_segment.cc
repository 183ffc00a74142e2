#include "backends/rocksdb/rocksdb_segment.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>

#include "backends/rocksdb/rocksdb_range_iterator.h"
#include "backends/rocksdb/rocksdb_status.h"

namespace ringlog {
namespace fmt = rocksdb_format;

namespace {

rocksdb::Slice ToSlice(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string_view ToView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

}  // namespace

RocksDbSegment::RocksDbSegment(std::shared_ptr<RocksDbInstance> db, std::string label,
                               uint32_t partition_id, Offset base_offset,
                               const fmt::SegmentRecord& record, std::vector<DamagedRange> damage)
    : db_(std::move(db)),
      label_(std::move(label)),
      partition_id_(partition_id),
      base_offset_(base_offset),
      next_offset_(record.next_offset),
      size_bytes_(record.size_bytes),
      max_timestamp_(record.max_timestamp),
      sealed_(record.sealed),
      damage_(std::move(damage)) {}

fmt::SegmentRecord RocksDbSegment::CurrentRecord() const {
  return {next_offset(), size_bytes(), max_timestamp(), sealed()};
}

void RocksDbSegment::Publish(const fmt::SegmentRecord& record) {
  size_bytes_.store(record.size_bytes, std::memory_order_release);
  max_timestamp_.store(record.max_timestamp, std::memory_order_release);
  sealed_.store(record.sealed, std::memory_order_release);
  next_offset_.store(record.next_offset, std::memory_order_release);
}

Status RocksDbSegment::Append(const RecordBatchView& batch, WrittenCallback written) {
  const BatchHeader& header = batch.header();
  if (sealed()) return Status::InvalidArgument(label_ + ": append to a sealed segment");
  if (header.base_offset != next_offset()) {
    return Status::InvalidArgument(label_ + ": append of a batch at offset " +
                                   std::to_string(header.base_offset) + ", expected " +
                                   std::to_string(next_offset()));
  }
  RETURN_IF_ERROR(db_->AdmitAppend(batch.size_bytes()).WithContext(label_ + ": append"));
  fmt::SegmentRecord record = CurrentRecord();
  record.next_offset = header.next_offset();
  record.size_bytes += batch.size_bytes();
  const bool raises_max = header.max_timestamp > record.max_timestamp;
  if (raises_max) record.max_timestamp = header.max_timestamp;

  // One WriteBatch, so the batch, its time index entry and the segment record are stored
  // together or not at all.
  rocksdb::WriteBatch& write = append_write_;
  write.Clear();
  rocksdb::Status status = write.Put(db_->data(), fmt::DataKey(partition_id_, header.base_offset),
                                     ToSlice(batch.bytes()));
  if (status.ok() && raises_max) {
    status = write.Put(db_->meta(), fmt::TimeKey(partition_id_, header.base_offset),
                       fmt::EncodeTimeValue(header.max_timestamp));
  }
  if (status.ok()) {
    status = write.Put(db_->meta(), fmt::SegmentKey(partition_id_, base_offset_),
                       fmt::EncodeSegmentRecord(record));
  }
  RETURN_IF_ERROR(FromRocksDb(status, label_ + ": build append"));
  RETURN_IF_ERROR(db_->Write(&write, /*sync=*/false, label_ + ": append"));
  Publish(record);
  // Written in the call: the WAL holds it, so it survives a crash of the process.
  written(Status::OK());
  return Status::OK();
}

Result<ReadResult> RocksDbSegment::Read(Offset offset, size_t max_bytes) const {
  RETURN_IF_ERROR(db_->CheckOpen());
  const Offset end = next_offset();
  if (offset < base_offset_ || offset >= end) {
    return Status::OutOfRange(label_ + ": offset " + std::to_string(offset) + " is outside [" +
                              std::to_string(base_offset_) + ", " + std::to_string(end) + ")");
  }
  // Each batch's own CRC-32C is checked here, with the CPU's crc32 instruction, in place
  // of RocksDB's block and blob checksums: the check covers the bytes end to end (memtable
  // included), and the Debian build of RocksDB computes its CRC-32C without that
  // instruction, several times slower than the copy this read makes anyway.
  RangeIterator it(db_->db(), db_->data(), fmt::DataKey(partition_id_, base_offset_),
                   fmt::DataKey(partition_id_, end), {.verify_checksums = false});
  it->SeekForPrev(fmt::DataKey(partition_id_, offset));

  ReadResult result;
  std::string& out = result.data.emplace<std::string>();
  for (; it->Valid(); it->Next()) {
    const rocksdb::Slice value = it->value();
    if (!out.empty() && out.size() + value.size() > max_bytes) break;
    ASSIGN_OR_RETURN(const Offset key_offset, fmt::DecodeDataKey(partition_id_, ToView(it->key())));
    // A read stops before a missing or damaged batch; only one it starts at fails.
    if (!out.empty() && key_offset != result.next_offset) break;
    Result<BatchHeader> header = fmt::DecodeStoredBatch(key_offset, ToView(value));
    const Status check = header.ok() ? fmt::VerifyStoredBatchCrc(ToView(value)) : header.status();
    if (!check.ok()) {
      const DamagedRange range = NoteDamage(key_offset, end, it.operator->(), check);
      if (!out.empty()) break;
      return Status::Corruption(label_ + ": offsets [" + std::to_string(range.first_offset) + ", " +
                                std::to_string(range.end_offset) +
                                ") are in a damaged batch: " + check.message() +
                                "; reading goes on at offset " + std::to_string(range.end_offset));
    }
    if (out.empty()) {
      if (header->last_offset() < offset) {
        return Status::Corruption(label_ + ": no stored batch holds offset " +
                                  std::to_string(offset));
      }
      result.first_offset = key_offset;
    }
    out.append(value.data(), value.size());
    result.next_offset = header->next_offset();
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), label_ + ": read"));
  if (out.empty()) {
    return Status::Corruption(label_ + ": no stored batch at or below offset " +
                              std::to_string(offset));
  }
  return result;
}

Result<Offset> RocksDbSegment::FindOffsetByTimestamp(TimestampMs ts) const {
  RETURN_IF_ERROR(db_->CheckOpen());
  const Offset end = next_offset();
  if (max_timestamp() < ts) {
    return Status::NotFound(label_ + ": no batch with timestamp >= " + std::to_string(ts));
  }
  // Time index values rise with the offset, so the first entry at or above `ts` marks the
  // first batch whose max timestamp reaches it.
  RangeIterator it(db_->db(), db_->meta(), fmt::TimeKey(partition_id_, base_offset_),
                   fmt::TimeKey(partition_id_, end));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSIGN_OR_RETURN(const TimestampMs entry, fmt::DecodeTimeValue(ToView(it->value())));
    if (entry >= ts) return fmt::DecodeTimeKey(partition_id_, ToView(it->key()));
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), label_ + ": time index lookup"));
  return Status::NotFound(label_ + ": no batch with timestamp >= " + std::to_string(ts));
}

std::vector<DamagedRange> RocksDbSegment::damaged_ranges() const {
  std::lock_guard lock(damage_mu_);
  return damage_;
}

DamagedRange RocksDbSegment::NoteDamage(Offset key_offset, Offset end, rocksdb::Iterator* it,
                                        const Status& why) const {
  Offset range_end = end;
  it->Next();
  if (it->Valid()) {
    Result<Offset> next_key = fmt::DecodeDataKey(partition_id_, ToView(it->key()));
    if (next_key.ok()) range_end = *next_key;
  }
  std::lock_guard lock(damage_mu_);
  for (const DamagedRange& known : damage_) {
    if (known.first_offset <= key_offset && key_offset < known.end_offset) return known;
  }
  const DamagedRange range{key_offset, std::max(range_end, key_offset + 1)};
  LOG(ERROR) << label_ << ": damaged batch at offsets [" << range.first_offset << ", "
             << range.end_offset << "): " << why.message() << "; reads of these offsets fail";
  damage_.insert(std::upper_bound(damage_.begin(), damage_.end(), range,
                                  [](const DamagedRange& a, const DamagedRange& b) {
                                    return a.first_offset < b.first_offset;
                                  }),
                 range);
  return range;
}

Status RocksDbSegment::Flush() { return db_->SyncWal().WithContext(label_); }

Status RocksDbSegment::Seal() {
  if (sealed()) return Status::OK();
  fmt::SegmentRecord record = CurrentRecord();
  record.sealed = true;
  rocksdb::WriteBatch write;
  RETURN_IF_ERROR(FromRocksDb(write.Put(db_->meta(), fmt::SegmentKey(partition_id_, base_offset_),
                                        fmt::EncodeSegmentRecord(record)),
                              label_ + ": build seal"));
  RETURN_IF_ERROR(db_->Write(&write, /*sync=*/false, label_ + ": seal"));
  Publish(record);
  append_write_ = rocksdb::WriteBatch();
  return Status::OK();
}

Result<Offset> RocksDbSegment::CutPoint(Offset offset, Offset end) const {
  if (offset <= base_offset_) return base_offset_;
  RangeIterator it(db_->db(), db_->data(), fmt::DataKey(partition_id_, base_offset_),
                   fmt::DataKey(partition_id_, end));
  it->SeekForPrev(fmt::DataKey(partition_id_, offset));
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocksDb(it->status(), label_ + ": truncate"));
    return Status::Corruption(label_ + ": no stored batch at or below offset " +
                              std::to_string(offset));
  }
  ASSIGN_OR_RETURN(const Offset key_offset, fmt::DecodeDataKey(partition_id_, ToView(it->key())));
  if (key_offset == offset) return offset;
  // `offset` falls inside this batch, which is kept whole; a damaged one goes whole.
  const Result<BatchHeader> header = fmt::DecodeStoredBatch(key_offset, ToView(it->value()));
  if (!header.ok() || !fmt::VerifyStoredBatchCrc(ToView(it->value())).ok()) return key_offset;
  return header->next_offset();
}

Result<TimestampMs> RocksDbSegment::MaxTimestampBefore(Offset offset) const {
  RangeIterator it(db_->db(), db_->meta(), fmt::TimeKey(partition_id_, base_offset_),
                   fmt::TimeKey(partition_id_, offset));
  it->SeekToLast();
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocksDb(it->status(), label_ + ": time index lookup"));
    return kNoTimestamp;
  }
  return fmt::DecodeTimeValue(ToView(it->value()));
}

Result<uint64_t> RocksDbSegment::BytesBetween(Offset from, Offset to) const {
  RangeIterator it(db_->db(), db_->data(), fmt::DataKey(partition_id_, from),
                   fmt::DataKey(partition_id_, to), {.fill_cache = false});
  uint64_t bytes = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) bytes += it->value().size();
  RETURN_IF_ERROR(FromRocksDb(it->status(), label_ + ": size scan"));
  return bytes;
}

Status RocksDbSegment::TruncateTo(Offset offset) {
  RETURN_IF_ERROR(db_->CheckOpen());
  const Offset end = next_offset();
  if (offset >= end) return Status::OK();
  ASSIGN_OR_RETURN(const Offset cut, CutPoint(offset, end));
  if (cut >= end) return Status::OK();

  fmt::SegmentRecord record = CurrentRecord();
  ASSIGN_OR_RETURN(const uint64_t dropped, BytesBetween(cut, end));
  ASSIGN_OR_RETURN(record.max_timestamp, MaxTimestampBefore(cut));
  record.next_offset = cut;
  record.size_bytes -= std::min(dropped, record.size_bytes);

  rocksdb::WriteBatch write;
  rocksdb::Status status = write.DeleteRange(db_->data(), fmt::DataKey(partition_id_, cut),
                                             fmt::DataKey(partition_id_, end));
  if (status.ok()) {
    status = write.DeleteRange(db_->meta(), fmt::TimeKey(partition_id_, cut),
                               fmt::TimeKey(partition_id_, end));
  }
  if (status.ok()) {
    status = write.Put(db_->meta(), fmt::SegmentKey(partition_id_, base_offset_),
                       fmt::EncodeSegmentRecord(record));
  }
  RETURN_IF_ERROR(FromRocksDb(status, label_ + ": build truncate"));
  RETURN_IF_ERROR(db_->Write(&write, /*sync=*/false, label_ + ": truncate"));
  Publish(record);
  std::lock_guard lock(damage_mu_);
  std::erase_if(damage_, [cut](const DamagedRange& d) { return d.first_offset >= cut; });
  return Status::OK();
}

}  // namespace ringlog
