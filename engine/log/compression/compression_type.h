// The codecs a Kafka RecordBatch v2 may name in the low three bits of its attributes.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringlog {

enum class CompressionType : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

// "none", "gzip", "snappy", "lz4", "zstd", or "unknown" for any other value.
std::string_view CompressionName(CompressionType type);

}  // namespace ringlog
