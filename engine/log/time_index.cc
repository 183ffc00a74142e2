#include "engine/log/time_index.h"

#include <algorithm>

#include "engine/big_endian.h"
#include "engine/log/format.h"
#include "engine/log/index_file_header.h"

namespace ringlog {

Status TimeIndex::Append(TimestampMs timestamp, Offset offset) {
  RETURN_IF_ERROR(CheckRelativeOffset(base_offset_, offset));
  if (!entries_.empty() &&
      (timestamp <= entries_.back().timestamp || offset <= entries_.back().offset)) {
    return Status::InvalidArgument("time index entry (" + std::to_string(timestamp) + ", " +
                                   std::to_string(offset) + ") is not above the last one (" +
                                   std::to_string(entries_.back().timestamp) + ", " +
                                   std::to_string(entries_.back().offset) + ")");
  }
  entries_.push_back({timestamp, offset});
  return Status::OK();
}

Offset TimeIndex::Lookup(TimestampMs target) const {
  // The first entry at or above target; the one before it is the last below target.
  auto it =
      std::lower_bound(entries_.begin(), entries_.end(), target,
                       [](const TimeIndexEntry& e, TimestampMs t) { return e.timestamp < t; });
  if (it == entries_.begin()) return base_offset_;
  return std::prev(it)->offset;
}

void TimeIndex::TruncateTo(Offset offset) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), offset,
                             [](const TimeIndexEntry& e, Offset o) { return e.offset < o; });
  entries_.erase(it, entries_.end());
}

TimestampMs TimeIndex::last_timestamp() const {
  return entries_.empty() ? kNoTimestamp : entries_.back().timestamp;
}

std::string TimeIndex::Encode(uint64_t log_bytes) const {
  std::string out;
  out.reserve(kIndexFileHeaderSize + entries_.size() * kTimeIndexEntrySize);
  AppendIndexFileHeader(&out, kTimeIndexMagic, log_bytes);
  uint8_t entry[kTimeIndexEntrySize];
  for (const TimeIndexEntry& e : entries_) {
    StoreBigEndian<int64_t>(entry, e.timestamp);
    StoreBigEndian<uint32_t>(entry + 8, static_cast<uint32_t>(e.offset - base_offset_));
    out.append(reinterpret_cast<const char*>(entry), sizeof(entry));
  }
  return out;
}

Result<TimeIndex> TimeIndex::Decode(Offset base_offset, std::string_view bytes,
                                    uint64_t log_bytes) {
  ASSIGN_OR_RETURN(std::string_view entries,
                   CheckIndexFileHeader(bytes, kTimeIndexMagic, kTimeIndexEntrySize, log_bytes));
  TimeIndex index(base_offset);
  index.entries_.reserve(entries.size() / kTimeIndexEntrySize);
  for (size_t i = 0; i < entries.size(); i += kTimeIndexEntrySize) {
    const auto* p = reinterpret_cast<const uint8_t*>(entries.data() + i);
    const auto timestamp = LoadBigEndian<int64_t>(p);
    const Offset offset = base_offset + LoadBigEndian<uint32_t>(p + 8);
    if (!index.Append(timestamp, offset).ok()) {
      return Status::Corruption("time index entries are not strictly ascending");
    }
  }
  return index;
}

}  // namespace ringlog
