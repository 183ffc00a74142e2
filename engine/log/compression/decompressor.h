// Decompressor: turns the records section of a compressed Kafka record batch back into
// the records, with a bound on the memory it may take (a small batch can claim to expand
// to gigabytes: a decompression bomb).
//
// Formats, as Kafka clients write them into RecordBatch v2:
//   gzip    RFC 1952, one member or several back to back
//   snappy  the xerial snappy-java stream (Java client, kafka-python) or one raw snappy
//           block (librdkafka)
//   lz4     LZ4 frames
//   zstd    Zstandard frames, with or without a content size
//
// The output goes to a buffer the Decompressor keeps and reuses, so that a thread that
// decompresses batch after batch allocates only when a batch is larger than any before.
// The library contexts are kept per thread (engine/log/compression/codecs.h).
//
// Thread-compatible; ForThisThread() gives each thread its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/log/compression/compression_type.h"
#include "engine/log/compression/output_buffer.h"
#include "engine/status.h"

namespace ringlog {

class Decompressor {
 public:
  // The most a Decompressor keeps between calls (Trim): a batch bigger than this is
  // rare, and its memory is given back rather than held for the thread's life.
  static constexpr size_t kRetainedBytes = 16 << 20;

  Decompressor() = default;
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  // The calling thread's Decompressor, created on first use and freed at thread exit.
  static Decompressor& ForThisThread();

  // Decompresses all of `input`, written by `type`, and returns the result, which stays
  // valid until the next call on this object or Trim(). Fails with
  //   Corruption       when `input` is not whole, valid data of its codec (cut short,
  //                    damaged, another format, or trailing bytes that are not a frame);
  //   TooLarge         when the result would exceed `max_output_bytes` (no more than
  //                    that much memory is taken to find out);
  //   InvalidArgument  for kNone or a value that names no codec.
  Result<std::span<const uint8_t>> Decompress(CompressionType type, std::span<const uint8_t> input,
                                              size_t max_output_bytes);

  // Frees the buffer if it holds more than kRetainedBytes. Invalidates the last result.
  void Trim() { out_.Trim(kRetainedBytes); }

  // The memory held for results, in bytes.
  size_t capacity() const { return out_.capacity(); }

 private:
  OutputBuffer out_;
};

}  // namespace ringlog
