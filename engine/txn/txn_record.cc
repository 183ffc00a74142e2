#include "engine/txn/txn_record.h"

#include <glog/logging.h>

#include <limits>
#include <map>
#include <vector>

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
    if (rest_.size() < sizeof(T)) return Status::Corruption("transaction record is truncated");
    const T value = LoadBigEndian<T>(reinterpret_cast<const uint8_t*>(rest_.data()));
    rest_.remove_prefix(sizeof(T));
    return value;
  }

  Result<std::string> GetShortString() {
    ASSIGN_OR_RETURN(const int16_t size, Get<int16_t>());
    if (size < 0 || rest_.size() < static_cast<size_t>(size)) {
      return Status::Corruption("bad string in transaction record");
    }
    std::string out(rest_.substr(0, static_cast<size_t>(size)));
    rest_.remove_prefix(static_cast<size_t>(size));
    return out;
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
      return Status::Corruption("bad array length in transaction record");
    }
    return Status::OK();
  }

  Status ExpectEnd() const {
    if (rest_.empty()) return Status::OK();
    return Status::Corruption("trailing bytes in transaction record");
  }

 private:
  std::string_view rest_;
};

}  // namespace

std::string EncodeTxnKey(std::string_view transactional_id) {
  std::string out;
  Put(out, kTxnRecordKeyVersion);
  PutShortString(out, transactional_id);
  return out;
}

std::string EncodeTxnValue(const TxnLogEntry& entry) {
  std::string out;
  Put(out, kTxnRecordValueVersion);
  Put(out, entry.producer_id);
  Put(out, entry.producer_epoch);
  Put(out, entry.transaction_timeout_ms);
  Put(out, static_cast<int8_t>(entry.state));
  // Grouped by topic, as Kafka writes them; the set is sorted by topic already.
  std::map<std::string_view, std::vector<int32_t>> topics;
  for (const PartitionId& p : entry.partitions) topics[p.topic].push_back(p.partition);
  if (topics.empty()) {
    Put(out, int32_t{-1});
  } else {
    Put(out, static_cast<int32_t>(topics.size()));
    for (const auto& [topic, partitions] : topics) {
      PutShortString(out, topic);
      Put(out, static_cast<int32_t>(partitions.size()));
      for (int32_t partition : partitions) Put(out, partition);
    }
  }
  Put(out, entry.last_update_timestamp);
  Put(out, entry.start_timestamp);
  return out;
}

Result<std::string> DecodeTxnKey(std::string_view bytes) {
  FieldReader reader(bytes);
  RETURN_IF_ERROR(reader.ExpectVersion(kTxnRecordKeyVersion, "transaction log key"));
  ASSIGN_OR_RETURN(std::string id, reader.GetShortString());
  RETURN_IF_ERROR(reader.ExpectEnd());
  return id;
}

Result<TxnLogEntry> DecodeTxnValue(std::string_view bytes) {
  FieldReader reader(bytes);
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
