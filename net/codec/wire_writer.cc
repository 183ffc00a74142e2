#include "net/codec/wire_writer.h"

#include <glog/logging.h>

#include <bit>

#include "engine/big_endian.h"
#include "engine/log/read_result.h"
#include "net/server/outbound_frame.h"

namespace ringlog {
namespace {

template <typename T>
void Put(std::string* out, T v) {
  uint8_t buf[sizeof(T)];
  StoreBigEndian<T>(buf, v);
  out->append(reinterpret_cast<const char*>(buf), sizeof(T));
}

}  // namespace

void WireWriter::WriteInt8(int8_t v) { out_->push_back(static_cast<char>(v)); }
void WireWriter::WriteInt16(int16_t v) { Put(out_, v); }
void WireWriter::WriteInt32(int32_t v) { Put(out_, v); }
void WireWriter::WriteInt64(int64_t v) { Put(out_, v); }
void WireWriter::WriteUint16(uint16_t v) { Put(out_, v); }

void WireWriter::WriteUint32(uint32_t v) { Put(out_, v); }

void WireWriter::WriteFloat64(double v) { Put(out_, std::bit_cast<uint64_t>(v)); }

void WireWriter::WriteUuid(const Uuid& id) {
  out_->append(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
}

void WireWriter::WriteUnsignedVarint(uint32_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void WireWriter::WriteVarlong(int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out_->push_back(static_cast<char>((z & 0x7F) | 0x80));
    z >>= 7;
  }
  out_->push_back(static_cast<char>(z));
}

void WireWriter::WriteVarint(int32_t v) { WriteVarlong(v); }

void WireWriter::WriteString(std::string_view s, bool flexible) {
  if (flexible) {
    WriteUnsignedVarint(static_cast<uint32_t>(s.size()) + 1);
  } else {
    CHECK_LE(s.size(), static_cast<size_t>(INT16_MAX));
    WriteInt16(static_cast<int16_t>(s.size()));
  }
  out_->append(s);
}

void WireWriter::WriteNullableString(const std::optional<std::string>& s, bool flexible) {
  if (s) {
    WriteString(*s, flexible);
  } else if (flexible) {
    WriteUnsignedVarint(0);
  } else {
    WriteInt16(-1);
  }
}

void WireWriter::WriteBytes(std::span<const uint8_t> b, bool flexible) {
  if (flexible) {
    WriteUnsignedVarint(static_cast<uint32_t>(b.size()) + 1);
  } else {
    WriteInt32(static_cast<int32_t>(b.size()));
  }
  WriteRaw(b);
}

WireWriter::WireWriter(OutboundFrame* frame) : out_(frame->bytes()), frame_(frame) {}

void WireWriter::WriteNullableBytesFromString(const std::optional<std::string>& b, bool flexible) {
  if (b) {
    WriteBytes(std::string_view(*b), flexible);
  } else {
    WriteNullableBytes(std::optional<std::span<const uint8_t>>(), flexible);
  }
}

void WireWriter::WriteRecords(const ReadResult& records, bool flexible) {
  const uint64_t size = records.size_bytes();
  if (flexible) {
    WriteUnsignedVarint(static_cast<uint32_t>(size + 1));
  } else {
    WriteInt32(static_cast<int32_t>(size));
  }
  if (frame_ != nullptr) {
    frame_->AppendRecords(records);
    out_ = frame_->bytes();  // AppendRecords may have started a new memory part
    return;
  }
  Result<std::string> bytes = CopyReadBytes(records);
  CHECK(bytes.ok()) << "records for an in-memory encoding: " << bytes.status().ToString();
  out_->append(*bytes);
}

void WireWriter::WriteNullableBytes(const std::optional<std::span<const uint8_t>>& b,
                                    bool flexible) {
  if (b) {
    WriteBytes(*b, flexible);
  } else if (flexible) {
    WriteUnsignedVarint(0);
  } else {
    WriteInt32(-1);
  }
}

void WireWriter::WriteArrayLength(int32_t n, bool flexible) {
  if (flexible) {
    WriteUnsignedVarint(static_cast<uint32_t>(n + 1));
  } else {
    WriteInt32(n);
  }
}

void WireWriter::WriteRaw(std::span<const uint8_t> b) {
  if (b.empty()) return;  // an empty span may carry a null data()
  out_->append(reinterpret_cast<const char*>(b.data()), b.size());
}

void WireWriter::PatchInt32(size_t position, int32_t v) {
  CHECK_LE(position + 4, out_->size());
  StoreBigEndian<int32_t>(reinterpret_cast<uint8_t*>(out_->data()) + position, v);
}

}  // namespace ringlog
