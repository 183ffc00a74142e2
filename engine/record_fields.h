// The fixed-width big-endian fields and int16-length strings of the records the broker
// writes to its own internal topics (committed offsets, transaction state), as Kafka lays
// them out: one writer and one reader, so each record format only lists its fields.
#pragma once

#include <glog/logging.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "engine/big_endian.h"
#include "engine/status.h"

namespace ringlog {

template <typename T>
void AppendBigEndian(std::string& out, T value) {
  uint8_t bytes[sizeof(T)];
  StoreBigEndian(bytes, value);
  out.append(reinterpret_cast<const char*>(bytes), sizeof(T));
}

// An int16 length, then the bytes. REQUIRES: s fits an int16 length.
inline void AppendShortString(std::string& out, std::string_view s) {
  CHECK_LE(s.size(), static_cast<size_t>(std::numeric_limits<int16_t>::max()));
  AppendBigEndian(out, static_cast<int16_t>(s.size()));
  out.append(s);
}

// Reads fields from the front of a record's bytes; any shortfall is Corruption naming
// `kind` ("offset record", "transaction record").
class RecordFieldReader {
 public:
  RecordFieldReader(std::string_view bytes, std::string_view kind) : rest_(bytes), kind_(kind) {}

  template <typename T>
  Result<T> Get() {
    if (rest_.size() < sizeof(T)) return Corrupt(" is truncated");
    const T value = LoadBigEndian<T>(reinterpret_cast<const uint8_t*>(rest_.data()));
    rest_.remove_prefix(sizeof(T));
    return value;
  }

  Result<std::string> GetBytes(size_t size) {
    if (rest_.size() < size) return Corrupt(" string is truncated");
    std::string out(rest_.substr(0, size));
    rest_.remove_prefix(size);
    return out;
  }

  Result<std::string> GetShortString() {
    ASSIGN_OR_RETURN(const int16_t size, Get<int16_t>());
    if (size < 0) return Corrupt(" has a negative string length");
    return GetBytes(static_cast<size_t>(size));
  }

  Status ExpectVersion(int16_t known, std::string_view what) {
    ASSIGN_OR_RETURN(const int16_t version, Get<int16_t>());
    if (version == known) return Status::OK();
    return Status::NotSupported(std::string(what) + " version " + std::to_string(version));
  }

  // Corruption unless `count` more items of at least `min_bytes` each can follow, so a
  // bad count cannot make the decoder reserve or loop without bound.
  Status ExpectRoom(int32_t count, size_t min_bytes) const {
    if (count < 0 || static_cast<size_t>(count) * min_bytes > rest_.size()) {
      return Corrupt(" has a bad array length");
    }
    return Status::OK();
  }

  Status ExpectEnd() const {
    if (rest_.empty()) return Status::OK();
    return Corrupt(" has trailing bytes");
  }

 private:
  Status Corrupt(std::string_view what) const {
    return Status::Corruption(std::string(kind_) + std::string(what));
  }

  std::string_view rest_;
  std::string_view kind_;
};

}  // namespace ringlog
