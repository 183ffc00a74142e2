#include "backends/rocksdb/rocksdb_recovery.h"

#include <glog/logging.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "backends/rocksdb/rocksdb_range_iterator.h"
#include "backends/rocksdb/rocksdb_status.h"

namespace ringlog {
namespace fmt = rocksdb_format;

namespace {

std::string_view ToView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

using TimeEntries = std::vector<std::pair<Offset, TimestampMs>>;

// What the scan of the stored batches found.
struct ScanResult {
  fmt::SegmentRecord record;
  TimeEntries time_entries;   // the entries the kept batches call for
  std::optional<Offset> cut;  // drop every batch from here on
  std::string reason;         // why, when cut
};

// Checks one stored batch: decodes, sits where expected, CRC matches.
Status CheckBatch(Offset expected, Offset key_offset, const rocksdb::Slice& value) {
  if (key_offset != expected) {
    return Status::Corruption("batch at offset " + std::to_string(key_offset) + " where offset " +
                              std::to_string(expected) + " was expected");
  }
  RETURN_IF_ERROR(fmt::DecodeStoredBatch(key_offset, ToView(value)).status());
  return fmt::VerifyStoredBatchCrc(ToView(value));
}

Result<ScanResult> ScanBatches(RocksDbInstance& db, uint32_t partition_id, Offset base_offset) {
  ScanResult scan;
  scan.record.next_offset = base_offset;
  RangeIterator it(db.db(), db.data(), fmt::DataKey(partition_id, base_offset),
                   fmt::DataKeyEnd(partition_id), {.fill_cache = false, .verify_checksums = false});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSIGN_OR_RETURN(const Offset key_offset, fmt::DecodeDataKey(partition_id, ToView(it->key())));
    const rocksdb::Slice value = it->value();
    Status check = CheckBatch(scan.record.next_offset, key_offset, value);
    if (!check.ok()) {
      scan.cut = std::min(key_offset, scan.record.next_offset);
      scan.reason = check.message();
      return scan;
    }
    ASSIGN_OR_RETURN(const BatchHeader header, fmt::DecodeStoredBatch(key_offset, ToView(value)));
    scan.record.size_bytes += value.size();
    scan.record.next_offset = header.next_offset();
    if (header.max_timestamp > scan.record.max_timestamp) {
      scan.record.max_timestamp = header.max_timestamp;
      scan.time_entries.emplace_back(key_offset, header.max_timestamp);
    }
  }
  if (it->status().IsCorruption()) {
    scan.cut = scan.record.next_offset;
    scan.reason = it->status().ToString();
    return scan;
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), "recovery scan"));
  return scan;
}

// True when the stored time index entries of the segment are exactly `expected`.
Result<bool> TimeIndexMatches(RocksDbInstance& db, uint32_t partition_id, Offset base_offset,
                              const TimeEntries& expected) {
  RangeIterator it(db.db(), db.meta(), fmt::TimeKey(partition_id, base_offset),
                   fmt::TimeKeyEnd(partition_id), {.fill_cache = false});
  size_t i = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++i) {
    const Result<Offset> offset = fmt::DecodeTimeKey(partition_id, ToView(it->key()));
    const Result<TimestampMs> ts = fmt::DecodeTimeValue(ToView(it->value()));
    if (i >= expected.size() || !offset.ok() || !ts.ok() ||
        std::make_pair(*offset, *ts) != expected[i]) {
      return false;
    }
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), "time index scan"));
  return i == expected.size();
}

}  // namespace

Result<fmt::SegmentRecord> RecoverLastSegment(RocksDbInstance& db, const std::string& label,
                                              uint32_t partition_id, Offset base_offset,
                                              const fmt::SegmentRecord& stored) {
  RETURN_IF_ERROR(db.CheckOpen());
  Result<ScanResult> scanned = ScanBatches(db, partition_id, base_offset);
  if (!scanned.ok()) return scanned.status().WithContext(label);
  ScanResult& scan = *scanned;
  scan.record.sealed = stored.sealed;
  ASSIGN_OR_RETURN(const bool index_ok,
                   TimeIndexMatches(db, partition_id, base_offset, scan.time_entries));
  if (!scan.cut && index_ok && scan.record == stored) return stored;

  rocksdb::WriteBatch write;
  rocksdb::Status status;
  if (scan.cut) {
    LOG(WARNING) << label << ": cutting the stored log from offset " << *scan.cut << ": "
                 << scan.reason;
    status = write.DeleteRange(db.data(), fmt::DataKey(partition_id, *scan.cut),
                               fmt::DataKeyEnd(partition_id));
  }
  if (status.ok() && !index_ok) {
    LOG(WARNING) << label << ": rebuilding the time index";
    status = write.DeleteRange(db.meta(), fmt::TimeKey(partition_id, base_offset),
                               fmt::TimeKeyEnd(partition_id));
    for (const auto& [offset, ts] : scan.time_entries) {
      if (!status.ok()) break;
      status = write.Put(db.meta(), fmt::TimeKey(partition_id, offset), fmt::EncodeTimeValue(ts));
    }
  }
  if (status.ok() && !(scan.record == stored)) {
    LOG(WARNING) << label << ": segment record said next offset " << stored.next_offset << ", "
                 << stored.size_bytes << " bytes; the batches say " << scan.record.next_offset
                 << ", " << scan.record.size_bytes << " bytes";
    status = write.Put(db.meta(), fmt::SegmentKey(partition_id, base_offset),
                       fmt::EncodeSegmentRecord(scan.record));
  }
  RETURN_IF_ERROR(FromRocksDb(status, label + ": build recovery fix"));
  RETURN_IF_ERROR(db.Write(&write, /*sync=*/true, label + ": recovery fix"));
  return scan.record;
}

}  // namespace ringlog
