#include "net/apis/offsets_partition.h"

#include <glog/logging.h>

namespace ringlog {
namespace {

// The code point starting at text[*pos], advancing *pos past it; an invalid sequence
// yields its first byte alone.
uint32_t NextCodePoint(std::string_view text, size_t* pos) {
  const auto byte = [&text](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(*pos);
  size_t length = 1;
  uint32_t code = lead;
  if (lead >= 0xF0 && lead < 0xF8) {
    length = 4;
    code = lead & 0x07;
  } else if (lead >= 0xE0) {
    length = lead < 0xF0 ? 3 : 1;
    code = lead & 0x0F;
  } else if (lead >= 0xC0) {
    length = 2;
    code = lead & 0x1F;
  }
  if (length == 1 || *pos + length > text.size()) {
    ++*pos;
    return lead;
  }
  for (size_t i = 1; i < length; ++i) {
    const uint8_t next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) {
      ++*pos;
      return lead;
    }
    code = (code << 6) | (next & 0x3F);
  }
  *pos += length;
  return code;
}

}  // namespace

int32_t JavaStringHashCode(std::string_view text) {
  uint32_t hash = 0;  // unsigned: Java's int arithmetic wraps
  auto add = [&hash](uint32_t unit) { hash = 31 * hash + unit; };
  size_t pos = 0;
  while (pos < text.size()) {
    const uint32_t code = NextCodePoint(text, &pos);
    if (code >= 0x10000) {
      add(0xD800 + ((code - 0x10000) >> 10));
      add(0xDC00 + ((code - 0x10000) & 0x3FF));
    } else {
      add(code);
    }
  }
  return static_cast<int32_t>(hash);
}

int32_t OffsetsPartitionFor(std::string_view group, int32_t partitions) {
  CHECK_GT(partitions, 0);
  return static_cast<int32_t>(static_cast<uint32_t>(JavaStringHashCode(group)) & 0x7FFFFFFF) %
         partitions;
}

}  // namespace ringlog
