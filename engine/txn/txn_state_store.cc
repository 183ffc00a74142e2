#include "engine/txn/txn_state_store.h"

#include <glog/logging.h>

#include <vector>

#include "engine/group/group_partition.h"
#include "engine/log/internal_topics.h"
#include "engine/log/read_result.h"
#include "engine/log/record_batch_builder.h"
#include "engine/txn/txn_record.h"

namespace ringlog {
namespace {

// Batches the store writes stay below this.
constexpr size_t kMaxBatchBytes = 256 << 10;
// Bytes read per step while replaying.
constexpr size_t kReplayReadBytes = 1 << 20;
// The topic's own max.message.bytes, whatever the broker default is.
constexpr int64_t kTopicMaxMessageBytes = 1 << 20;

std::string_view AsString(std::span<const uint8_t> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

PartitionId StatePartition(int32_t index) {
  return PartitionId{std::string(kTransactionStateTopic), index};
}

}  // namespace

TxnStateStore::TxnStateStore(LogManager* logs, Flusher* flusher, const Clock* clock,
                             const TxnStateStoreOptions& options)
    : logs_(logs),
      flusher_(flusher),
      clock_(clock),
      options_(options),
      num_partitions_(options.num_partitions) {}

Result<std::unique_ptr<TxnStateStore>> TxnStateStore::Open(LogManager* logs, Flusher* flusher,
                                                           const Clock* clock,
                                                           const TxnStateStoreOptions& options) {
  CHECK(logs != nullptr);
  CHECK(clock != nullptr);
  if (options.num_partitions < 1) {
    return Status::InvalidArgument("transaction state topic needs at least one partition");
  }
  std::unique_ptr<TxnStateStore> store(new TxnStateStore(logs, flusher, clock, options));
  if (std::optional<int32_t> existing = store->TopicPartitions()) {
    store->num_partitions_ = *existing;
  }
  return store;
}

std::optional<int32_t> TxnStateStore::TopicPartitions() const {
  Result<TopicInfo> topic = logs_->GetTopic(kTransactionStateTopic);
  if (!topic.ok()) return std::nullopt;
  return topic->partitions;
}

int32_t TxnStateStore::PartitionFor(std::string_view transactional_id) const {
  // Kafka's rule for both internal topics: abs(javaHashCode(key)) % partitions.
  return OffsetsPartitionFor(transactional_id, num_partitions());
}

bool TxnStateStore::IsLoaded(int32_t partition) const {
  std::lock_guard lock(mu_);
  return partitions_.contains(partition);
}

Result<TxnStateStore::Entries> TxnStateStore::LoadPartition(int32_t partition) {
  std::lock_guard load_lock(load_mu_);
  if (std::optional<int32_t> existing = TopicPartitions()) {
    num_partitions_ = *existing;
  } else if (!options_.create_topic) {
    return Status::NotFound("topic " + std::string(kTransactionStateTopic) + " does not exist");
  }
  if (partition < 0 || partition >= num_partitions()) {
    return Status::InvalidArgument("transaction state partition " + std::to_string(partition) +
                                   " outside [0, " + std::to_string(num_partitions()) + ")");
  }
  ASSIGN_OR_RETURN(Partition loaded, Replay(partition));
  LOG(INFO) << "loaded transaction state partition " << partition << ": " << loaded.entries.size()
            << " ids from " << loaded.log_records << " records";
  Entries entries = loaded.entries;
  std::lock_guard lock(mu_);
  partitions_.insert_or_assign(partition, std::move(loaded));
  return entries;
}

void TxnStateStore::UnloadPartition(int32_t partition) {
  std::lock_guard lock(mu_);
  if (partitions_.erase(partition) > 0) {
    LOG(INFO) << "unloaded transaction state partition " << partition;
  }
}

Result<TxnStateStore::Partition> TxnStateStore::Replay(int32_t index) const {
  Partition partition;
  if (!TopicPartitions().has_value()) return partition;
  partition.log = logs_->GetPartition(StatePartition(index));
  if (partition.log == nullptr) {
    return Status::Corruption("transaction state topic without partition " + std::to_string(index));
  }
  PartitionLog& log = *partition.log;
  const Offset start = log.log_start_offset();
  const Offset end = log.next_offset();
  Offset offset = start;
  while (offset < end) {
    // To the log end, as Kafka's coordinator loads (see OffsetStore::Replay).
    ASSIGN_OR_RETURN(ReadResult read, log.Read(offset, kReplayReadBytes, ReadBound::kLogEnd));
    if (read.next_offset <= offset) break;
    ASSIGN_OR_RETURN(std::string bytes, CopyReadBytes(read));
    BatchIterator batches(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    while (std::optional<RecordBatchView> batch = batches.Next()) {
      ReplayBatch(*batch, start, partition);
    }
    if (!batches.status().ok()) {
      LOG(ERROR) << "transaction state log " << index << " at " << offset << ": "
                 << batches.status().ToString();
    }
    offset = read.next_offset;
  }
  return partition;
}

void TxnStateStore::ReplayBatch(const RecordBatchView& batch, Offset log_start, Partition& into) {
  Result<std::vector<Record>> records =
      batch.VerifyCrc().ok() ? DecodeRecords(batch) : Status::Corruption("batch CRC mismatch");
  if (!records.ok()) {
    LOG(ERROR) << "skipping transaction state batch at " << batch.header().base_offset << ": "
               << records.status().ToString();
    return;
  }
  for (const Record& record : *records) {
    if (record.offset < log_start) continue;
    ++into.log_records;
    Result<std::string> id =
        record.key ? DecodeTxnKey(AsString(*record.key)) : Status::Corruption("null key");
    Result<TxnLogEntry> value =
        record.value ? DecodeTxnValue(AsString(*record.value)) : Status::NotFound("tombstone");
    if (!id.ok() || (!value.ok() && !value.status().IsNotFound())) {
      LOG(ERROR) << "skipping transaction state record " << record.offset << ": "
                 << (id.ok() ? value.status() : id.status()).ToString();
      continue;
    }
    if (value.ok()) {
      into.entries.insert_or_assign(*id, *value);
    } else {
      into.entries.erase(*id);
    }
  }
}

Status TxnStateStore::EnsureLogLocked(int32_t index, Partition& partition) {
  if (partition.log != nullptr) return Status::OK();
  if (!options_.create_topic) {
    return Status::NotFound("transaction state partition " + std::to_string(index) + " has no log");
  }
  const ConfigMap configs = {
      {"segment.bytes", std::to_string(options_.segment_bytes)},
      // Entries live until their id expires; only snapshots drop records.
      {"retention.ms", "-1"},
      {"retention.bytes", "-1"},
      {"max.message.bytes", std::to_string(kTopicMaxMessageBytes)},
  };
  Status created = logs_->CreateTopic(kTransactionStateTopic, num_partitions(), configs);
  if (!created.ok() && !created.IsAlreadyExists()) return created;
  partition.log = logs_->GetPartition(StatePartition(index));
  if (partition.log == nullptr) {
    return Status::NotFound("transaction state partition " + std::to_string(index) +
                            " vanished while being created");
  }
  return Status::OK();
}

Result<Offset> TxnStateStore::AppendLocked(
    int32_t index, Partition& partition,
    const std::map<std::string, std::optional<TxnLogEntry>>& records) {
  RETURN_IF_ERROR(EnsureLogLocked(index, partition));
  const TimestampMs now = clock_->NowMs();
  Offset last = 0;
  auto first = records.begin();
  while (first != records.end()) {
    // Batches of bounded size, well under the topic's max.message.bytes.
    std::vector<RecordData> batch_records;
    size_t bytes = 0;
    auto end = first;
    for (; end != records.end() && (end == first || bytes < kMaxBatchBytes); ++end) {
      RecordData& record = batch_records.emplace_back();
      record.key = EncodeTxnKey(end->first);
      if (end->second) record.value = EncodeTxnValue(*end->second);
      record.timestamp = now;
      bytes += record.key->size() + (record.value ? record.value->size() : 0);
    }
    std::string batch = BuildRecordBatch(batch_records);
    ASSIGN_OR_RETURN(AppendResult appended,
                     partition.log->Append(std::span<uint8_t>(
                         reinterpret_cast<uint8_t*>(batch.data()), batch.size())));
    for (auto it = first; it != end; ++it) {
      if (it->second) {
        partition.entries.insert_or_assign(it->first, *it->second);
      } else {
        partition.entries.erase(it->first);
      }
    }
    partition.log_records += static_cast<int64_t>(batch_records.size());
    last = appended.last_offset;
    first = end;
  }
  return last;
}

void TxnStateStore::Write(const std::string& transactional_id,
                          const std::optional<TxnLogEntry>& entry, DoneCallback done) {
  const int32_t index = PartitionFor(transactional_id);
  std::shared_ptr<PartitionLog> log;
  Result<Offset> last = Offset{0};
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(index);
    if (it == partitions_.end()) {
      last = Status::NotFound("transaction state partition " + std::to_string(index) +
                              " is not loaded here");
    } else {
      last = AppendLocked(index, it->second, {{transactional_id, entry}});
      log = it->second.log;
    }
  }
  if (!last.ok()) {
    done(last.status());
  } else if (flusher_ != nullptr) {
    flusher_->FlushAsync(std::move(log), *last, std::move(done));
  } else {
    done(log->Flush());
  }
}

Status TxnStateStore::MaybeCompact() {
  std::lock_guard load_lock(load_mu_);
  std::vector<int32_t> loaded;
  {
    std::lock_guard lock(mu_);
    for (const auto& [index, partition] : partitions_) loaded.push_back(index);
  }
  Status first_error;
  for (int32_t index : loaded) {
    if (Status compacted = CompactPartition(index); !compacted.ok() && first_error.ok()) {
      first_error = compacted;
    }
  }
  return first_error;
}

Status TxnStateStore::CompactPartition(int32_t index) {
  std::shared_ptr<PartitionLog> log;
  Offset snapshot_start = 0;
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(index);
    if (it == partitions_.end()) return Status::OK();  // unloaded meanwhile
    Partition& partition = it->second;
    const auto live = static_cast<int64_t>(partition.entries.size());
    if (partition.log == nullptr || partition.log_records < options_.compact_min_records ||
        partition.log_records < 2 * live) {
      return Status::OK();
    }
    snapshot_start = partition.log->next_offset();
    if (live > 0) {
      std::map<std::string, std::optional<TxnLogEntry>> snapshot(partition.entries.begin(),
                                                                 partition.entries.end());
      RETURN_IF_ERROR(AppendLocked(index, partition, snapshot).status());
    }
    partition.log_records = live;
    log = partition.log;
  }
  // Only once the snapshot is durable may the records it supersedes go.
  RETURN_IF_ERROR(log->Flush());
  RETURN_IF_ERROR(log->DeleteRecordsBefore(snapshot_start));
  ASSIGN_OR_RETURN(const size_t removed, log->ApplyRetention());
  LOG(INFO) << "transaction state snapshot of partition " << index << " at " << snapshot_start
            << ": " << removed << " segments removed";
  return Status::OK();
}

int64_t TxnStateStore::log_records() const {
  std::lock_guard lock(mu_);
  int64_t records = 0;
  for (const auto& [index, partition] : partitions_) records += partition.log_records;
  return records;
}

size_t TxnStateStore::live_entries() const {
  std::lock_guard lock(mu_);
  size_t live = 0;
  for (const auto& [index, partition] : partitions_) live += partition.entries.size();
  return live;
}

}  // namespace ringlog
