// The 16-byte header that opens both index files (.index and .timeindex); the layout is in
// engine/log/format.h. Shared by OffsetIndex and TimeIndex so both reject a damaged, foreign,
// old-version or stale image the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

// Both index files store an entry's offset relative to the segment's base offset in 32 bits:
// InvalidArgument when `offset` is below `base_offset` or too far above it.
Status CheckRelativeOffset(Offset base_offset, Offset offset);

// Appends the header for an index of kind `magic` written for a .log of `log_bytes` bytes.
void AppendIndexFileHeader(std::string* out, uint32_t magic, uint64_t log_bytes);

// Checks the header of `image` and returns the entry bytes after it. Corruption when the
// image is shorter than a header, the magic or version differ, reserved bytes are set, the
// entries are not a whole number of `entry_size` records, or the header was written for a
// .log of another size than `log_bytes` (a stale index).
Result<std::string_view> CheckIndexFileHeader(std::string_view image, uint32_t magic,
                                              size_t entry_size, uint64_t log_bytes);

}  // namespace ringlog
