// Snappy through the library's C API, which checks its input and never writes past the
// length it is given.
#include <snappy-c.h>

#include <cstring>
#include <string>

#include "engine/big_endian.h"
#include "engine/log/compression/codecs.h"

namespace ringlog {
namespace {

// The xerial snappy-java stream header: magic, then version and compatible version
// (int32 each, big-endian).
constexpr uint8_t kXerialMagic[] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = sizeof(kXerialMagic) + 2 * sizeof(int32_t);
constexpr size_t kXerialBlockLengthSize = sizeof(int32_t);
// No snappy block decodes to more than about 22 times its size (a 3-byte copy yields at
// most 64 bytes), so a larger claim is a lie, refused before any memory is taken for it.
constexpr size_t kMaxExpansion = 32;

bool IsXerial(std::span<const uint8_t> in) {
  return in.size() >= kXerialHeaderSize &&
         std::memcmp(in.data(), kXerialMagic, sizeof(kXerialMagic)) == 0;
}

// Appends one raw snappy block.
Status DecodeBlock(std::span<const uint8_t> block, OutputBuffer* out) {
  const auto* compressed = reinterpret_cast<const char*>(block.data());
  size_t length = 0;
  if (snappy_uncompressed_length(compressed, block.size(), &length) != SNAPPY_OK) {
    return Status::Corruption("snappy block has no valid length");
  }
  if (length / kMaxExpansion > block.size()) {
    return Status::Corruption("snappy block of " + std::to_string(block.size()) + " bytes claims " +
                              std::to_string(length));
  }
  if (!out->Reserve(length)) return OutputLimitReached("snappy", out->limit());
  if (snappy_uncompress(compressed, block.size(), reinterpret_cast<char*>(out->free().data()),
                        &length) != SNAPPY_OK) {
    return Status::Corruption("snappy block is invalid");
  }
  out->Commit(length);
  return Status::OK();
}

}  // namespace

Status DecodeSnappy(std::span<const uint8_t> in, OutputBuffer* out) {
  if (!IsXerial(in)) return DecodeBlock(in, out);
  std::span<const uint8_t> rest = in.subspan(kXerialHeaderSize);
  while (!rest.empty()) {
    if (rest.size() < kXerialBlockLengthSize) {
      return Status::Corruption("snappy stream ends inside a block length");
    }
    const auto length = LoadBigEndian<int32_t>(rest.data());
    rest = rest.subspan(kXerialBlockLengthSize);
    if (length < 0 || static_cast<size_t>(length) > rest.size()) {
      return Status::Corruption("snappy stream block of " + std::to_string(length) +
                                " bytes runs past the data");
    }
    RETURN_IF_ERROR(DecodeBlock(rest.first(static_cast<size_t>(length)), out));
    rest = rest.subspan(static_cast<size_t>(length));
  }
  return Status::OK();
}

}  // namespace ringlog
