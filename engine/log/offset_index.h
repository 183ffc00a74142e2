// OffsetIndex: the sparse offset -> file position index of one segment. A pure in-memory
// structure with Encode/Decode; the backend decides when to persist it. It is derived data,
// rebuilt from the log after damage, so it carries no checksum (engine/log/format.h has the
// file layout).
//
// Thread-compatible: the owning segment synchronises access.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

struct IndexEntry {
  Offset offset = 0;      // base offset of a batch
  uint32_t position = 0;  // where that batch starts in the segment file
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

class OffsetIndex final {
 public:
  explicit OffsetIndex(Offset base_offset) : base_offset_(base_offset) {}

  // Adds an entry. InvalidArgument unless `offset` is above the last entry's offset and
  // its distance from base_offset fits 32 bits, and `position` is above the last position.
  Status Append(Offset offset, uint32_t position);
  // The entry with the largest offset <= target, or {base_offset, 0} when none is.
  IndexEntry Lookup(Offset target) const;
  // The entry with the largest position <= position, or {base_offset, 0} when none is.
  IndexEntry LookupPosition(uint32_t position) const;
  // Drops every entry with offset >= `offset`.
  void TruncateTo(Offset offset);

  Offset base_offset() const { return base_offset_; }
  size_t entries() const { return entries_.size(); }
  const std::vector<IndexEntry>& all() const { return entries_; }

  // The file image (header + entries) for a .log of `log_bytes` bytes.
  std::string Encode(uint64_t log_bytes) const;
  // Parses a file image. Corruption when the header, version or size is wrong, entries
  // are not strictly ascending, or `log_bytes` differs from the size it was written for.
  static Result<OffsetIndex> Decode(Offset base_offset, std::string_view bytes, uint64_t log_bytes);

 private:
  Offset base_offset_;
  std::vector<IndexEntry> entries_;
};

}  // namespace ringlog
