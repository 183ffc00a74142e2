// WireWriter: encodes the Kafka protocol's primitive types, classic and flexible, by
// appending to a caller-owned std::string, or to the memory parts of an OutboundFrame so
// that record data can join the frame without a copy.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/uuid.h"

namespace ringlog {

class OutboundFrame;
struct ReadResult;

class WireWriter {
 public:
  // `out` must outlive the writer; bytes are appended to it.
  explicit WireWriter(std::string* out) : out_(out) {}
  // Appends to `frame`, which must outlive the writer.
  explicit WireWriter(OutboundFrame* frame);

  void WriteInt8(int8_t v);
  void WriteInt16(int16_t v);
  void WriteInt32(int32_t v);
  void WriteInt64(int64_t v);
  void WriteUint16(uint16_t v);
  void WriteUint32(uint32_t v);
  void WriteFloat64(double v);
  void WriteBool(bool v) { WriteInt8(v ? 1 : 0); }
  void WriteUuid(const Uuid& id);
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
  void WriteNullableBytesFromString(const std::optional<std::string>& b, bool flexible);
  // A records field: its length, then the batches of `records`. Over a frame a file slice
  // becomes a part of its own (no copy); over a string the bytes are copied (a file slice
  // read with pread), which only tests and the load generator do.
  void WriteRecords(const ReadResult& records, bool flexible);
  // An array's length prefix: int32 (classic) or uvarint N+1 (flexible); -1 for null.
  void WriteArrayLength(int32_t n, bool flexible);
  // An empty tagged-field section: the single byte 0.
  void WriteEmptyTaggedFields() { out_->push_back('\0'); }

  void WriteRaw(std::span<const uint8_t> b);
  void WriteRaw(std::string_view b) { out_->append(b); }

  // Offset of the next byte in the current memory part, for back-patching lengths with
  // PatchInt32.
  size_t position() const { return out_->size(); }
  void PatchInt32(size_t position, int32_t v);

 private:
  std::string* out_;
  OutboundFrame* frame_ = nullptr;
};

}  // namespace ringlog
