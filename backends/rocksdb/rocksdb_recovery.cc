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
  TimeEntries time_entries;          // the entries the good batches call for
  std::vector<DamagedRange> damage;  // damaged batches, kept
  std::vector<std::string> reasons;  // why, one per damaged batch
  std::optional<Offset> cut;         // drop every batch from here on
  std::string reason;                // why, when cut
};

// Checks one stored batch: decodes at its key and its CRC matches.
Status CheckBatch(Offset key_offset, const rocksdb::Slice& value) {
  RETURN_IF_ERROR(fmt::DecodeStoredBatch(key_offset, ToView(value)).status());
  return fmt::VerifyStoredBatchCrc(ToView(value));
}

// The damaged batch a scan is walking past.
struct OpenDamage {
  Offset first_offset = 0;  // the first offset it holds
  Offset key_offset = 0;    // its key
  uint64_t bytes = 0;       // its size
};

// Walks the stored batches. A bad one is kept as damage whose offsets end where the next
// stored batch starts, or, for the last one, where the stored segment record ends.
Result<ScanResult> ScanBatches(RocksDbInstance& db, uint32_t partition_id, Offset base_offset,
                               Offset stored_next_offset) {
  ScanResult scan;
  Offset next = base_offset;  // after the last good batch, or the last damage
  std::optional<OpenDamage> open;
  auto close_damage = [&](Offset end) {
    scan.damage.push_back({open->first_offset, std::max(end, open->first_offset)});
    next = scan.damage.back().end_offset;
    open.reset();
  };
  RangeIterator it(db.db(), db.data(), fmt::DataKey(partition_id, base_offset),
                   fmt::DataKeyEnd(partition_id), {.fill_cache = false, .verify_checksums = false});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSIGN_OR_RETURN(const Offset key_offset, fmt::DecodeDataKey(partition_id, ToView(it->key())));
    const rocksdb::Slice value = it->value();
    scan.record.size_bytes += value.size();
    if (open) close_damage(key_offset);
    Status check = CheckBatch(key_offset, value);
    if (check.ok() && key_offset < next) {
      check = Status::Corruption("batch at offset " + std::to_string(key_offset) +
                                 " overlaps the offsets before it, which end at " +
                                 std::to_string(next));
    }
    if (!check.ok()) {
      open = OpenDamage{next, key_offset, value.size()};
      scan.reasons.push_back(check.message());
      continue;
    }
    if (key_offset > next) {
      scan.damage.push_back({next, key_offset});
      scan.reasons.push_back("offsets " + std::to_string(next) + " to " +
                             std::to_string(key_offset - 1) + " are missing");
    }
    ASSIGN_OR_RETURN(const BatchHeader header, fmt::DecodeStoredBatch(key_offset, ToView(value)));
    next = header.next_offset();
    if (header.max_timestamp > scan.record.max_timestamp) {
      scan.record.max_timestamp = header.max_timestamp;
      scan.time_entries.emplace_back(key_offset, header.max_timestamp);
    }
  }
  if (it->status().IsCorruption()) {
    // Nothing past this point can be listed: cut there, with the damaged batch before it.
    if (open) {
      scan.record.size_bytes -= open->bytes;
      next = open->first_offset;
      scan.reasons.pop_back();
      open.reset();
    }
    scan.cut = next;
    scan.reason = it->status().ToString();
  } else {
    RETURN_IF_ERROR(FromRocksDb(it->status(), "recovery scan"));
  }
  if (open) close_damage(std::max(stored_next_offset, open->key_offset + 1));
  scan.record.next_offset = next;
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

Result<RecoveredSegment> RecoverLastSegment(RocksDbInstance& db, const std::string& label,
                                            uint32_t partition_id, Offset base_offset,
                                            const fmt::SegmentRecord& stored) {
  RETURN_IF_ERROR(db.CheckOpen());
  Result<ScanResult> scanned = ScanBatches(db, partition_id, base_offset, stored.next_offset);
  if (!scanned.ok()) return scanned.status().WithContext(label);
  ScanResult& scan = *scanned;
  scan.record.sealed = stored.sealed;
  for (size_t i = 0; i < scan.damage.size(); ++i) {
    LOG(ERROR) << label << ": damaged batch at offsets [" << scan.damage[i].first_offset << ", "
               << scan.damage[i].end_offset << "): " << scan.reasons[i]
               << "; the good batches after it are kept, reads of these offsets fail";
  }
  ASSIGN_OR_RETURN(const bool index_ok,
                   TimeIndexMatches(db, partition_id, base_offset, scan.time_entries));
  if (!scan.cut && index_ok && scan.record == stored) {
    return RecoveredSegment{stored, std::move(scan.damage)};
  }

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
  return RecoveredSegment{scan.record, std::move(scan.damage)};
}

}  // namespace ringlog
