#include "engine/log/offset_index.h"

#include <algorithm>

#include "engine/big_endian.h"
#include "engine/log/format.h"
#include "engine/log/index_file_header.h"

namespace ringlog {

Status OffsetIndex::Append(Offset offset, uint32_t position) {
  RETURN_IF_ERROR(CheckRelativeOffset(base_offset_, offset));
  if (!entries_.empty() &&
      (offset <= entries_.back().offset || position <= entries_.back().position)) {
    return Status::InvalidArgument("index entry (" + std::to_string(offset) + ", " +
                                   std::to_string(position) + ") is not above the last one (" +
                                   std::to_string(entries_.back().offset) + ", " +
                                   std::to_string(entries_.back().position) + ")");
  }
  entries_.push_back({offset, position});
  return Status::OK();
}

IndexEntry OffsetIndex::Lookup(Offset target) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), target,
                             [](Offset t, const IndexEntry& e) { return t < e.offset; });
  if (it == entries_.begin()) return {base_offset_, 0};
  return *std::prev(it);
}

IndexEntry OffsetIndex::LookupPosition(uint32_t position) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), position,
                             [](uint32_t p, const IndexEntry& e) { return p < e.position; });
  if (it == entries_.begin()) return {base_offset_, 0};
  return *std::prev(it);
}

void OffsetIndex::TruncateTo(Offset offset) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), offset,
                             [](const IndexEntry& e, Offset o) { return e.offset < o; });
  entries_.erase(it, entries_.end());
}

std::string OffsetIndex::Encode(uint64_t log_bytes) const {
  std::string out;
  out.reserve(kIndexFileHeaderSize + entries_.size() * kOffsetIndexEntrySize);
  AppendIndexFileHeader(&out, kOffsetIndexMagic, log_bytes);
  uint8_t entry[kOffsetIndexEntrySize];
  for (const IndexEntry& e : entries_) {
    StoreBigEndian<uint32_t>(entry, static_cast<uint32_t>(e.offset - base_offset_));
    StoreBigEndian<uint32_t>(entry + 4, e.position);
    out.append(reinterpret_cast<const char*>(entry), sizeof(entry));
  }
  return out;
}

Result<OffsetIndex> OffsetIndex::Decode(Offset base_offset, std::string_view bytes,
                                        uint64_t log_bytes) {
  ASSIGN_OR_RETURN(
      std::string_view entries,
      CheckIndexFileHeader(bytes, kOffsetIndexMagic, kOffsetIndexEntrySize, log_bytes));
  OffsetIndex index(base_offset);
  index.entries_.reserve(entries.size() / kOffsetIndexEntrySize);
  for (size_t i = 0; i < entries.size(); i += kOffsetIndexEntrySize) {
    const auto* p = reinterpret_cast<const uint8_t*>(entries.data() + i);
    const Offset offset = base_offset + LoadBigEndian<uint32_t>(p);
    const uint32_t position = LoadBigEndian<uint32_t>(p + 4);
    // A batch starts inside the log, so a position at or past its end is damage.
    if (position >= log_bytes) {
      return Status::Corruption("offset index entry points at " + std::to_string(position) +
                                ", past the log's " + std::to_string(log_bytes) + " bytes");
    }
    if (!index.Append(offset, position).ok()) {
      return Status::Corruption("offset index entries are not strictly ascending");
    }
  }
  return index;
}

}  // namespace ringlog
