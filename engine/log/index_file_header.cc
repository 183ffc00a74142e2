#include "engine/log/index_file_header.h"

#include <limits>

#include "engine/big_endian.h"
#include "engine/log/format.h"

namespace ringlog {

Status CheckRelativeOffset(Offset base_offset, Offset offset) {
  if (offset < base_offset ||
      offset - base_offset > static_cast<Offset>(std::numeric_limits<uint32_t>::max())) {
    return Status::InvalidArgument("offset " + std::to_string(offset) +
                                   " is outside the 32-bit range of the segment at " +
                                   std::to_string(base_offset));
  }
  return Status::OK();
}

namespace {

constexpr size_t kMagicPos = 0;
constexpr size_t kVersionPos = 4;
constexpr size_t kReservedPos = 5;
constexpr size_t kLogBytesPos = 8;

}  // namespace

void AppendIndexFileHeader(std::string* out, uint32_t magic, uint64_t log_bytes) {
  uint8_t header[kIndexFileHeaderSize] = {};
  StoreBigEndian<uint32_t>(header + kMagicPos, magic);
  header[kVersionPos] = kIndexFormatVersion;
  StoreBigEndian<uint64_t>(header + kLogBytesPos, log_bytes);
  out->append(reinterpret_cast<const char*>(header), sizeof(header));
}

Result<std::string_view> CheckIndexFileHeader(std::string_view image, uint32_t magic,
                                              size_t entry_size, uint64_t log_bytes) {
  if (image.size() < kIndexFileHeaderSize) {
    return Status::Corruption("index image of " + std::to_string(image.size()) +
                              " bytes is shorter than its header");
  }
  const auto* p = reinterpret_cast<const uint8_t*>(image.data());
  if (LoadBigEndian<uint32_t>(p + kMagicPos) != magic) {
    return Status::Corruption("index image has the wrong magic");
  }
  if (p[kVersionPos] != kIndexFormatVersion) {
    return Status::Corruption("index image version " + std::to_string(p[kVersionPos]) +
                              ", expected " + std::to_string(kIndexFormatVersion));
  }
  if (p[kReservedPos] != 0 || p[kReservedPos + 1] != 0 || p[kReservedPos + 2] != 0) {
    return Status::Corruption("index image has reserved header bytes set");
  }
  const auto covered = LoadBigEndian<uint64_t>(p + kLogBytesPos);
  if (covered != log_bytes) {
    return Status::Corruption("index image was written for " + std::to_string(covered) +
                              " log bytes, the log has " + std::to_string(log_bytes));
  }
  std::string_view entries = image.substr(kIndexFileHeaderSize);
  if (entries.size() % entry_size != 0) {
    return Status::Corruption("index image ends inside an entry");
  }
  return entries;
}

}  // namespace ringlog
