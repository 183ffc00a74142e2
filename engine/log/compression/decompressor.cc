#include "engine/log/compression/decompressor.h"

#include <string>

#include "engine/log/compression/codecs.h"

namespace ringlog {

std::string_view CompressionName(CompressionType type) {
  switch (type) {
    case CompressionType::kNone:
      return "none";
    case CompressionType::kGzip:
      return "gzip";
    case CompressionType::kSnappy:
      return "snappy";
    case CompressionType::kLz4:
      return "lz4";
    case CompressionType::kZstd:
      return "zstd";
  }
  return "unknown";
}

Status OutputLimitReached(std::string_view codec, size_t limit) {
  return Status::TooLarge(std::string(codec) + " records decompress to more than " +
                          std::to_string(limit) + " bytes");
}

Decompressor& Decompressor::ForThisThread() {
  thread_local Decompressor decompressor;
  return decompressor;
}

Result<std::span<const uint8_t>> Decompressor::Decompress(CompressionType type,
                                                          std::span<const uint8_t> input,
                                                          size_t max_output_bytes) {
  // One byte of room past the limit: a decoder that ends exactly at the limit is never
  // refused for want of room to finish in, and one that fills the spare byte is over.
  out_.Reset(max_output_bytes + 1);
  Status decoded;
  switch (type) {
    case CompressionType::kGzip:
      decoded = DecodeGzip(input, &out_);
      break;
    case CompressionType::kSnappy:
      decoded = DecodeSnappy(input, &out_);
      break;
    case CompressionType::kLz4:
      decoded = DecodeLz4(input, &out_);
      break;
    case CompressionType::kZstd:
      decoded = DecodeZstd(input, &out_);
      break;
    default:
      return Status::InvalidArgument("no codec " + std::to_string(static_cast<int>(type)) +
                                     " to decompress with");
  }
  if (decoded.IsTooLarge() || (decoded.ok() && out_.size() > max_output_bytes)) {
    return OutputLimitReached(CompressionName(type), max_output_bytes);
  }
  RETURN_IF_ERROR(decoded);
  return out_.data();
}

}  // namespace ringlog
