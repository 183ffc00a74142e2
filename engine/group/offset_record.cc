#include "engine/group/offset_record.h"

#include "engine/record_fields.h"

namespace ringlog {

std::string EncodeOffsetKey(const OffsetKey& key) {
  std::string out;
  AppendBigEndian(out, kOffsetRecordKeyVersion);
  AppendShortString(out, key.group);
  AppendShortString(out, key.partition.topic);
  AppendBigEndian(out, key.partition.partition);
  return out;
}

std::string EncodeOffsetValue(const CommittedOffset& value) {
  std::string out;
  AppendBigEndian(out, kOffsetRecordValueVersion);
  AppendBigEndian(out, value.offset);
  AppendBigEndian(out, value.leader_epoch);
  AppendBigEndian(out, value.commit_time);
  if (value.metadata) {
    AppendBigEndian(out, static_cast<int32_t>(value.metadata->size()));
    out.append(*value.metadata);
  } else {
    AppendBigEndian(out, int32_t{-1});
  }
  return out;
}

Result<OffsetKey> DecodeOffsetKey(std::string_view bytes) {
  RecordFieldReader reader(bytes, "offset record");
  RETURN_IF_ERROR(reader.ExpectVersion(kOffsetRecordKeyVersion, "offset key"));
  OffsetKey key;
  ASSIGN_OR_RETURN(key.group, reader.GetShortString());
  ASSIGN_OR_RETURN(key.partition.topic, reader.GetShortString());
  ASSIGN_OR_RETURN(key.partition.partition, reader.Get<int32_t>());
  RETURN_IF_ERROR(reader.ExpectEnd());
  return key;
}

Result<CommittedOffset> DecodeOffsetValue(std::string_view bytes) {
  RecordFieldReader reader(bytes, "offset record");
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
