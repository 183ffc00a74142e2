// Compression of a records section the way Kafka clients compress it, for the tools that
// play the producer (the batch builder, tests and the load generator), and for the broker
// when a topic's compression.type makes it recompress a batch (engine/log/recompress.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "engine/log/compression/compression_type.h"

namespace ringlog {

// How snappy output is framed: the xerial snappy-java stream the Java client writes, or
// one raw block as librdkafka writes it.
enum class SnappyFraming : uint8_t { kXerial, kRaw };

// `input` compressed with `type` at the library's default level: gzip (one member), snappy
// (framed as `framing` says), lz4 (one frame of independent blocks, as Kafka requires),
// zstd (one frame stating its content size). REQUIRES: type names a codec (not kNone).
std::string Compress(CompressionType type, std::span<const uint8_t> input,
                     SnappyFraming framing = SnappyFraming::kXerial);

}  // namespace ringlog
