// WireWriter: encodes the Kafka protocol's primitive types, classic and flexible, by
// appending to a caller-owned std::string.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ringlog {

class WireWriter {
 public:
  // `out` must outlive the writer; bytes are appended to it.
  explicit WireWriter(std::string* out) : out_(out) {}

  void WriteInt8(int8_t v);
  void WriteInt16(int16_t v);
  void WriteInt32(int32_t v);
  void WriteInt64(int64_t v);
  void WriteUint32(uint32_t v);
  void WriteBool(bool v) { WriteInt8(v ? 1 : 0); }
  void WriteUuid(std::string_view sixteen_bytes);
  void WriteUnsignedVarint(uint32_t v);
  void WriteVarint(int32_t v);
  void WriteVarlong(int64_t v);

  // Classic (int16 length) or compact (uvarint length + 1) by `flexible`.
  void WriteString(std::string_view s, bool flexible);
  void WriteNullableString(const std::optional<std::string>& s, bool flexible);
  // Classic (int32 length) or compact by `flexible`; nullopt writes null.
  void WriteBytes(std::span<const uint8_t> b, bool flexible);
  void WriteBytes(std::string_view b, bool flexible) {
    WriteBytes({reinterpret_cast<const uint8_t*>(b.data()), b.size()}, flexible);
  }
  void WriteNullableBytes(const std::optional<std::span<const uint8_t>>& b, bool flexible);
  // An array's length prefix: int32 (classic) or uvarint N+1 (flexible); -1 for null.
  void WriteArrayLength(int32_t n, bool flexible);
  // An empty tagged-field section: the single byte 0.
  void WriteEmptyTaggedFields() { out_->push_back('\0'); }

  void WriteRaw(std::span<const uint8_t> b);
  void WriteRaw(std::string_view b) { out_->append(b); }

  // Offset of the next byte, for back-patching lengths with PatchInt32.
  size_t position() const { return out_->size(); }
  void PatchInt32(size_t position, int32_t v);

 private:
  std::string* out_;
};

}  // namespace ringlog
