// The four decoders behind Decompressor (decompressor.h), one source file each. Each
// appends the whole decoded `in` to `out` and fails with Corruption when `in` is not
// whole, valid data of its format, or with TooLarge when the output would pass
// out->limit() (found before more than the limit is written).
//
// Each keeps its library's decoding context per thread, created on first use and reused
// by every later call on that thread. Not reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/log/compression/output_buffer.h"
#include "engine/status.h"

namespace ringlog {

// RFC 1952 gzip: one member, or several back to back (as Java's GZIPInputStream reads).
Status DecodeGzip(std::span<const uint8_t> in, OutputBuffer* out);

// Snappy as Kafka clients write it: the xerial snappy-java stream (the Java client and
// kafka-python: a 16-byte header, then blocks, each a 4-byte big-endian length and a raw
// snappy block), or one raw snappy block (librdkafka). The Java broker reads both.
Status DecodeSnappy(std::span<const uint8_t> in, OutputBuffer* out);

// LZ4 frames (the format Kafka uses from message format v1 on), back to back.
Status DecodeLz4(std::span<const uint8_t> in, OutputBuffer* out);

// Zstandard frames, with or without their content size, back to back.
Status DecodeZstd(std::span<const uint8_t> in, OutputBuffer* out);

// The TooLarge status every decoder returns at the limit.
Status OutputLimitReached(std::string_view codec, size_t limit);

}  // namespace ringlog
