#include "engine/group/group_partition.h"

#include <glog/logging.h>

#include <limits>

namespace ringlog {
namespace {

constexpr uint32_t kReplacement = 0xFFFD;

bool IsContinuation(uint8_t byte) { return (byte & 0xC0) == 0x80; }

// Decodes the character at the start of `in`; sets *length to the bytes it took (at
// least 1). Ill-formed input is U+FFFD, taking the maximal subpart of a valid sequence.
uint32_t DecodeOne(std::string_view in, size_t* length) {
  const auto lead = static_cast<uint8_t>(in[0]);
  *length = 1;
  if (lead < 0x80) return lead;
  size_t count = 0;
  uint32_t code = 0;
  // The valid range of the second byte depends on the lead (no overlongs, no surrogates,
  // nothing above U+10FFFF).
  uint8_t low = 0x80;
  uint8_t high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    count = 2;
    code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    count = 3;
    code = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    count = 4;
    code = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return kReplacement;
  }
  for (size_t i = 1; i < count; ++i) {
    if (i >= in.size()) return kReplacement;
    const auto byte = static_cast<uint8_t>(in[i]);
    const bool valid = i == 1 ? byte >= low && byte <= high : IsContinuation(byte);
    if (!valid) return kReplacement;
    code = (code << 6) | (byte & 0x3F);
    *length = i + 1;
  }
  return code;
}

}  // namespace

int32_t JavaStringHashCode(std::string_view utf8) {
  // Unsigned arithmetic wraps as Java's int does.
  uint32_t hash = 0;
  while (!utf8.empty()) {
    size_t length = 0;
    const uint32_t code = DecodeOne(utf8, &length);
    utf8.remove_prefix(length);
    if (code < 0x10000) {
      hash = hash * 31 + code;
    } else {
      const uint32_t offset = code - 0x10000;
      hash = hash * 31 + (0xD800 + (offset >> 10));
      hash = hash * 31 + (0xDC00 + (offset & 0x3FF));
    }
  }
  return static_cast<int32_t>(hash);
}

int32_t OffsetsPartitionFor(std::string_view group, int32_t partitions) {
  CHECK_GT(partitions, 0);
  const int32_t hash = JavaStringHashCode(group);
  const int32_t abs = hash == std::numeric_limits<int32_t>::min() ? 0 : (hash < 0 ? -hash : hash);
  return abs % partitions;
}

}  // namespace ringlog
