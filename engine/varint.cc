#include "engine/varint.h"

namespace ringlog {
namespace {

uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

}  // namespace

Status VarintReader::error() const {
  switch (failure_) {
    case Failure::kNone:
      return Status::OK();
    case Failure::kPastEnd:
      return Status::Corruption("varint runs past the end of the data");
    case Failure::kOverflow:
      return Status::Corruption("varint overflows 64 bits");
    case Failure::kNotInt32:
      return Status::Corruption("varint does not fit 32 bits");
    case Failure::kBytesPastEnd:
      return Status::Corruption("field of " + std::to_string(failed_bytes_) +
                                " bytes runs past the data");
  }
  return Status::Corruption("varint read failed");
}

void AppendVarlong(std::string* out, int64_t value) {
  uint64_t v = ZigZagEncode(value);
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

size_t VarlongSize(int64_t value) {
  uint64_t v = ZigZagEncode(value);
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace ringlog
