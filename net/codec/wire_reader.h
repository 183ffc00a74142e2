// WireReader: decodes the Kafka protocol's primitive types from a request buffer, for both
// classic and flexible (KIP-482) versions. Every read checks bounds: malformed input yields
// an InvalidArgument Status, never a crash or an allocation sized by untrusted input.
//
// The reader borrows the buffer, which must outlive it and every span it returns.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/uuid.h"

namespace ringlog {

class WireReader {
 public:
  explicit WireReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  Result<int8_t> ReadInt8();
  Result<int16_t> ReadInt16();
  Result<int32_t> ReadInt32();
  Result<int64_t> ReadInt64();
  Result<uint16_t> ReadUint16();
  Result<uint32_t> ReadUint32();
  Result<double> ReadFloat64();
  Result<bool> ReadBool();
  Result<Uuid> ReadUuid();
  // Unsigned LEB128 varint (up to 5 bytes), used by flexible versions for lengths and tags.
  Result<uint32_t> ReadUnsignedVarint();
  // Zig-zag varint / varlong, as inside records.
  Result<int32_t> ReadVarint();
  Result<int64_t> ReadVarlong();

  // Classic strings: int16 length (-1 = null for the nullable form).
  Result<std::string> ReadString();
  Result<std::optional<std::string>> ReadNullableString();
  // Flexible strings: uvarint length + 1 (0 = null for the nullable form).
  Result<std::string> ReadCompactString();
  Result<std::optional<std::string>> ReadCompactNullableString();
  // Either form by `flexible`.
  Result<std::string> ReadString(bool flexible) {
    return flexible ? ReadCompactString() : ReadString();
  }
  Result<std::optional<std::string>> ReadNullableString(bool flexible) {
    return flexible ? ReadCompactNullableString() : ReadNullableString();
  }

  // Bytes fields: int32 length (classic) or uvarint length + 1 (flexible); null -> nullopt.
  // The span points into the buffer.
  Result<std::optional<std::span<const uint8_t>>> ReadNullableBytes(bool flexible);
  Result<std::span<const uint8_t>> ReadBytes(bool flexible);
  // The same, copied into a string (opaque fields such as group member metadata).
  Result<std::string> ReadBytesAsString(bool flexible);
  Result<std::optional<std::string>> ReadNullableBytesAsString(bool flexible);

  // Array length: int32 (classic, -1 = null) or uvarint N+1 (flexible, 0 = null).
  // Returns -1 for null. InvalidArgument when the count could not possibly fit in the
  // remaining bytes (each element takes at least `min_element_bytes`), so a hostile
  // count never drives an allocation.
  Result<int32_t> ReadArrayLength(bool flexible, size_t min_element_bytes = 1);

  // Skips a tagged-field section (flexible versions): every field is ignored.
  Status SkipTaggedFields();

  // A raw run of n bytes.
  Result<std::span<const uint8_t>> ReadRaw(size_t n);

  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  Status Need(size_t n, std::string_view what) const;

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

}  // namespace ringlog
