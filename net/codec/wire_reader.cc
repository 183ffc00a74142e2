#include "net/codec/wire_reader.h"

#include <algorithm>
#include <bit>

#include "engine/big_endian.h"

namespace ringlog {
namespace {

constexpr int kMaxUnsignedVarintBytes = 5;

}  // namespace

Status WireReader::Need(size_t n, std::string_view what) const {
  if (n > remaining()) {
    return Status::InvalidArgument("request truncated: " + std::string(what) + " needs " +
                                   std::to_string(n) + " bytes at position " +
                                   std::to_string(pos_) + ", " + std::to_string(remaining()) +
                                   " left");
  }
  return Status::OK();
}

Result<int8_t> WireReader::ReadInt8() {
  RETURN_IF_ERROR(Need(1, "int8"));
  return static_cast<int8_t>(bytes_[pos_++]);
}

Result<int16_t> WireReader::ReadInt16() {
  RETURN_IF_ERROR(Need(2, "int16"));
  auto v = LoadBigEndian<int16_t>(bytes_.data() + pos_);
  pos_ += 2;
  return v;
}

Result<int32_t> WireReader::ReadInt32() {
  RETURN_IF_ERROR(Need(4, "int32"));
  auto v = LoadBigEndian<int32_t>(bytes_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<int64_t> WireReader::ReadInt64() {
  RETURN_IF_ERROR(Need(8, "int64"));
  auto v = LoadBigEndian<int64_t>(bytes_.data() + pos_);
  pos_ += 8;
  return v;
}

Result<uint16_t> WireReader::ReadUint16() {
  RETURN_IF_ERROR(Need(2, "uint16"));
  auto v = LoadBigEndian<uint16_t>(bytes_.data() + pos_);
  pos_ += 2;
  return v;
}

Result<double> WireReader::ReadFloat64() {
  RETURN_IF_ERROR(Need(8, "float64"));
  auto bits = LoadBigEndian<uint64_t>(bytes_.data() + pos_);
  pos_ += 8;
  return std::bit_cast<double>(bits);
}

Result<uint32_t> WireReader::ReadUint32() {
  RETURN_IF_ERROR(Need(4, "uint32"));
  auto v = LoadBigEndian<uint32_t>(bytes_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<bool> WireReader::ReadBool() {
  ASSIGN_OR_RETURN(int8_t v, ReadInt8());
  return v != 0;
}

Result<Uuid> WireReader::ReadUuid() {
  ASSIGN_OR_RETURN(std::span<const uint8_t> raw, ReadRaw(16));
  Uuid id;
  std::copy(raw.begin(), raw.end(), id.bytes.begin());
  return id;
}

Result<uint32_t> WireReader::ReadUnsignedVarint() {
  uint32_t value = 0;
  for (int i = 0; i < kMaxUnsignedVarintBytes; ++i) {
    RETURN_IF_ERROR(Need(1, "unsigned varint"));
    uint8_t b = bytes_[pos_++];
    if (i == kMaxUnsignedVarintBytes - 1 && (b & 0xF0) != 0) {
      return Status::InvalidArgument("unsigned varint does not fit 32 bits");
    }
    value |= static_cast<uint32_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return value;
  }
  return Status::InvalidArgument("unsigned varint longer than 5 bytes");
}

Result<int64_t> WireReader::ReadVarlong() {
  uint64_t raw = 0;
  for (int i = 0; i < 10; ++i) {
    RETURN_IF_ERROR(Need(1, "varlong"));
    uint8_t b = bytes_[pos_++];
    raw |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  }
  return Status::InvalidArgument("varlong longer than 10 bytes");
}

Result<int32_t> WireReader::ReadVarint() {
  ASSIGN_OR_RETURN(int64_t v, ReadVarlong());
  if (v < INT32_MIN || v > INT32_MAX) return Status::InvalidArgument("varint does not fit 32 bits");
  return static_cast<int32_t>(v);
}

Result<std::string> WireReader::ReadString() {
  ASSIGN_OR_RETURN(std::optional<std::string> s, ReadNullableString());
  if (!s) return Status::InvalidArgument("null where a string is required");
  return std::move(*s);
}

Result<std::optional<std::string>> WireReader::ReadNullableString() {
  ASSIGN_OR_RETURN(int16_t len, ReadInt16());
  if (len < 0) {
    if (len != -1) return Status::InvalidArgument("string length " + std::to_string(len));
    return std::optional<std::string>();
  }
  ASSIGN_OR_RETURN(std::span<const uint8_t> raw, ReadRaw(static_cast<size_t>(len)));
  return std::optional<std::string>(
      std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

Result<std::string> WireReader::ReadCompactString() {
  ASSIGN_OR_RETURN(std::optional<std::string> s, ReadCompactNullableString());
  if (!s) return Status::InvalidArgument("null where a compact string is required");
  return std::move(*s);
}

Result<std::optional<std::string>> WireReader::ReadCompactNullableString() {
  ASSIGN_OR_RETURN(uint32_t len_plus_one, ReadUnsignedVarint());
  if (len_plus_one == 0) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::span<const uint8_t> raw, ReadRaw(len_plus_one - 1));
  return std::optional<std::string>(
      std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

Result<std::optional<std::span<const uint8_t>>> WireReader::ReadNullableBytes(bool flexible) {
  size_t len = 0;
  if (flexible) {
    ASSIGN_OR_RETURN(uint32_t len_plus_one, ReadUnsignedVarint());
    if (len_plus_one == 0) return std::optional<std::span<const uint8_t>>();
    len = len_plus_one - 1;
  } else {
    ASSIGN_OR_RETURN(int32_t n, ReadInt32());
    if (n < 0) {
      if (n != -1) return Status::InvalidArgument("bytes length " + std::to_string(n));
      return std::optional<std::span<const uint8_t>>();
    }
    len = static_cast<size_t>(n);
  }
  ASSIGN_OR_RETURN(std::span<const uint8_t> raw, ReadRaw(len));
  return std::optional<std::span<const uint8_t>>(raw);
}

Result<std::span<const uint8_t>> WireReader::ReadBytes(bool flexible) {
  ASSIGN_OR_RETURN(std::optional<std::span<const uint8_t>> b, ReadNullableBytes(flexible));
  if (!b) return Status::InvalidArgument("null where bytes are required");
  return *b;
}

Result<std::string> WireReader::ReadBytesAsString(bool flexible) {
  ASSIGN_OR_RETURN(std::span<const uint8_t> b, ReadBytes(flexible));
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

Result<std::optional<std::string>> WireReader::ReadNullableBytesAsString(bool flexible) {
  ASSIGN_OR_RETURN(std::optional<std::span<const uint8_t>> b, ReadNullableBytes(flexible));
  if (!b) return std::optional<std::string>();
  return std::optional<std::string>(
      std::string(reinterpret_cast<const char*>(b->data()), b->size()));
}

Result<int32_t> WireReader::ReadArrayLength(bool flexible, size_t min_element_bytes) {
  int64_t n = 0;
  if (flexible) {
    ASSIGN_OR_RETURN(uint32_t n_plus_one, ReadUnsignedVarint());
    n = static_cast<int64_t>(n_plus_one) - 1;
  } else {
    ASSIGN_OR_RETURN(int32_t count, ReadInt32());
    n = count;
  }
  if (n < -1) return Status::InvalidArgument("array length " + std::to_string(n));
  if (n > 0 && static_cast<uint64_t>(n) * std::max<size_t>(min_element_bytes, 1) > remaining()) {
    return Status::InvalidArgument("array of " + std::to_string(n) +
                                   " elements cannot fit in the " + std::to_string(remaining()) +
                                   " bytes left");
  }
  return static_cast<int32_t>(n);
}

Status WireReader::SkipTaggedFields() {
  ASSIGN_OR_RETURN(uint32_t count, ReadUnsignedVarint());
  for (uint32_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(uint32_t tag, ReadUnsignedVarint());
    (void)tag;  // no tagged field is understood yet; all are skipped
    ASSIGN_OR_RETURN(uint32_t size, ReadUnsignedVarint());
    ASSIGN_OR_RETURN(std::span<const uint8_t> skipped, ReadRaw(size));
    (void)skipped;
  }
  return Status::OK();
}

Result<std::span<const uint8_t>> WireReader::ReadRaw(size_t n) {
  RETURN_IF_ERROR(Need(n, "field"));
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

}  // namespace ringlog
