#include "engine/txn/txn_record.h"

#include <map>
#include <vector>

#include "engine/record_fields.h"

namespace ringlog {

std::string EncodeTxnKey(std::string_view transactional_id) {
  std::string out;
  AppendBigEndian(out, kTxnRecordKeyVersion);
  AppendShortString(out, transactional_id);
  return out;
}

std::string EncodeTxnValue(const TxnLogEntry& entry) {
  std::string out;
  AppendBigEndian(out, kTxnRecordValueVersion);
  AppendBigEndian(out, entry.producer_id);
  AppendBigEndian(out, entry.producer_epoch);
  AppendBigEndian(out, entry.transaction_timeout_ms);
  AppendBigEndian(out, static_cast<int8_t>(entry.state));
  // Grouped by topic, as Kafka writes them; the set is sorted by topic already.
  std::map<std::string_view, std::vector<int32_t>> topics;
  for (const PartitionId& p : entry.partitions) topics[p.topic].push_back(p.partition);
  if (topics.empty()) {
    AppendBigEndian(out, int32_t{-1});
  } else {
    AppendBigEndian(out, static_cast<int32_t>(topics.size()));
    for (const auto& [topic, partitions] : topics) {
      AppendShortString(out, topic);
      AppendBigEndian(out, static_cast<int32_t>(partitions.size()));
      for (int32_t partition : partitions) AppendBigEndian(out, partition);
    }
  }
  AppendBigEndian(out, entry.last_update_timestamp);
  AppendBigEndian(out, entry.start_timestamp);
  return out;
}

Result<std::string> DecodeTxnKey(std::string_view bytes) {
  RecordFieldReader reader(bytes, "transaction record");
  RETURN_IF_ERROR(reader.ExpectVersion(kTxnRecordKeyVersion, "transaction log key"));
  ASSIGN_OR_RETURN(std::string id, reader.GetShortString());
  RETURN_IF_ERROR(reader.ExpectEnd());
  return id;
}

Result<TxnLogEntry> DecodeTxnValue(std::string_view bytes) {
  RecordFieldReader reader(bytes, "transaction record");
  RETURN_IF_ERROR(reader.ExpectVersion(kTxnRecordValueVersion, "transaction log value"));
  TxnLogEntry entry;
  ASSIGN_OR_RETURN(entry.producer_id, reader.Get<int64_t>());
  ASSIGN_OR_RETURN(entry.producer_epoch, reader.Get<int16_t>());
  ASSIGN_OR_RETURN(entry.transaction_timeout_ms, reader.Get<int32_t>());
  ASSIGN_OR_RETURN(const int8_t state, reader.Get<int8_t>());
  std::optional<TxnState> known = TxnStateFromId(state);
  if (!known) return Status::Corruption("unknown transaction state " + std::to_string(state));
  entry.state = *known;
  ASSIGN_OR_RETURN(const int32_t topics, reader.Get<int32_t>());
  if (topics != -1) {
    RETURN_IF_ERROR(reader.ExpectRoom(topics, sizeof(int16_t) + sizeof(int32_t)));
    for (int32_t t = 0; t < topics; ++t) {
      ASSIGN_OR_RETURN(std::string topic, reader.GetShortString());
      ASSIGN_OR_RETURN(const int32_t count, reader.Get<int32_t>());
      RETURN_IF_ERROR(reader.ExpectRoom(count, sizeof(int32_t)));
      for (int32_t i = 0; i < count; ++i) {
        ASSIGN_OR_RETURN(const int32_t partition, reader.Get<int32_t>());
        entry.partitions.insert(PartitionId{topic, partition});
      }
    }
  }
  ASSIGN_OR_RETURN(entry.last_update_timestamp, reader.Get<int64_t>());
  ASSIGN_OR_RETURN(entry.start_timestamp, reader.Get<int64_t>());
  RETURN_IF_ERROR(reader.ExpectEnd());
  return entry;
}

}  // namespace ringlog
