#include "engine/group/offset_record.h"

#include <glog/logging.h>

#include <limits>

#include "engine/big_endian.h"

namespace ringlog {
namespace {

template <typename T>
void Put(std::string& out, T value) {
  uint8_t bytes[sizeof(T)];
  StoreBigEndian(bytes, value);
  out.append(reinterpret_cast<const char*>(bytes), sizeof(T));
}

void PutShortString(std::string& out, std::string_view s) {
  CHECK_LE(s.size(), static_cast<size_t>(std::numeric_limits<int16_t>::max()));
  Put(out, static_cast<int16_t>(s.size()));
  out.append(s);
}

// Reads fields from the front of a record's bytes; any shortfall is Corruption.
class FieldReader {
 public:
  explicit FieldReader(std::string_view bytes) : rest_(bytes) {}

  template <typename T>
  Result<T> Get() {
    if (rest_.size() < sizeof(T)) return Status::Corruption("offset record is truncated");
    const T value = LoadBigEndian<T>(reinterpret_cast<const uint8_t*>(rest_.data()));
    rest_.remove_prefix(sizeof(T));
    return value;
  }

  Result<std::string> GetBytes(size_t size) {
    if (rest_.size() < size) return Status::Corruption("offset record string is truncated");
    std::string out(rest_.substr(0, size));
    rest_.remove_prefix(size);
    return out;
  }

  Result<std::string> GetShortString() {
    ASSIGN_OR_RETURN(const int16_t size, Get<int16_t>());
    if (size < 0) return Status::Corruption("negative string length in offset record");
    return GetBytes(static_cast<size_t>(size));
  }

  Status ExpectVersion(int16_t known, std::string_view what) {
    ASSIGN_OR_RETURN(const int16_t version, Get<int16_t>());
    if (version == known) return Status::OK();
    return Status::NotSupported(std::string(what) + " version " + std::to_string(version));
  }

  Status ExpectEnd() const {
    if (rest_.empty()) return Status::OK();
    return Status::Corruption("trailing bytes in offset record");
  }

 private:
  std::string_view rest_;
};

}  // namespace

std::string EncodeOffsetKey(const OffsetKey& key) {
  std::string out;
  Put(out, kOffsetRecordKeyVersion);
  PutShortString(out, key.group);
  PutShortString(out, key.partition.topic);
  Put(out, key.partition.partition);
  return out;
}

std::string EncodeOffsetValue(const CommittedOffset& value) {
  std::string out;
  Put(out, kOffsetRecordValueVersion);
  Put(out, value.offset);
  Put(out, value.leader_epoch);
  Put(out, value.commit_time);
  if (value.metadata) {
    Put(out, static_cast<int32_t>(value.metadata->size()));
    out.append(*value.metadata);
  } else {
    Put(out, int32_t{-1});
  }
  return out;
}

Result<OffsetKey> DecodeOffsetKey(std::string_view bytes) {
  FieldReader reader(bytes);
  RETURN_IF_ERROR(reader.ExpectVersion(kOffsetRecordKeyVersion, "offset key"));
  OffsetKey key;
  ASSIGN_OR_RETURN(key.group, reader.GetShortString());
  ASSIGN_OR_RETURN(key.partition.topic, reader.GetShortString());
  ASSIGN_OR_RETURN(key.partition.partition, reader.Get<int32_t>());
  RETURN_IF_ERROR(reader.ExpectEnd());
  return key;
}

Result<CommittedOffset> DecodeOffsetValue(std::string_view bytes) {
  FieldReader reader(bytes);
  RETURN_IF_ERROR(reader.ExpectVersion(kOffsetRecordValueVersion, "offset value"));
  CommittedOffset value;
  ASSIGN_OR_RETURN(value.offset, reader.Get<int64_t>());
  ASSIGN_OR_RETURN(value.leader_epoch, reader.Get<int32_t>());
  ASSIGN_OR_RETURN(value.commit_time, reader.Get<int64_t>());
  ASSIGN_OR_RETURN(const int32_t metadata_size, reader.Get<int32_t>());
  if (metadata_size < -1) return Status::Corruption("bad metadata length in offset record");
  if (metadata_size >= 0) {
    ASSIGN_OR_RETURN(value.metadata, reader.GetBytes(static_cast<size_t>(metadata_size)));
  }
  RETURN_IF_ERROR(reader.ExpectEnd());
  return value;
}

}  // namespace ringlog
