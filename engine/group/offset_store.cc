#include "engine/group/offset_store.h"

#include <glog/logging.h>

#include "engine/log/internal_topics.h"
#include "engine/log/read_result.h"
#include "engine/log/record_batch_builder.h"

namespace ringlog {
namespace {

// Batches the store writes stay below this, well under any max.message.bytes.
constexpr size_t kMaxBatchBytes = 256 << 10;
// Bytes read per step while replaying.
constexpr size_t kReplayReadBytes = 1 << 20;
// The offsets topic's own max.message.bytes, whatever the broker default is.
constexpr int64_t kTopicMaxMessageBytes = 1 << 20;

std::string_view AsString(std::span<const uint8_t> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

OffsetStore::OffsetStore(LogManager* logs, Flusher* flusher, const Clock* clock,
                         const OffsetStoreOptions& options)
    : logs_(logs), flusher_(flusher), clock_(clock), options_(options) {}

Result<std::unique_ptr<OffsetStore>> OffsetStore::Open(LogManager* logs, Flusher* flusher,
                                                       const Clock* clock,
                                                       const OffsetStoreOptions& options) {
  CHECK(logs != nullptr);
  CHECK(clock != nullptr);
  std::unique_ptr<OffsetStore> store(new OffsetStore(logs, flusher, clock, options));
  RETURN_IF_ERROR(store->Replay());
  return store;
}

Status OffsetStore::Replay() {
  std::lock_guard lock(mu_);
  if (!logs_->GetTopic(kConsumerOffsetsTopic).ok()) return Status::OK();
  log_ = logs_->GetPartition(PartitionId{std::string(kConsumerOffsetsTopic), 0});
  if (log_ == nullptr) return Status::Corruption("offsets topic without partition 0");
  const Offset start = log_->log_start_offset();
  const Offset end = log_->next_offset();
  Offset offset = start;
  while (offset < end) {
    ASSIGN_OR_RETURN(ReadResult read, log_->Read(offset, kReplayReadBytes));
    if (read.next_offset <= offset) break;
    ASSIGN_OR_RETURN(std::string bytes, CopyReadBytes(read));
    BatchIterator batches(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    while (std::optional<RecordBatchView> batch = batches.Next()) ReplayBatch(*batch, start);
    if (!batches.status().ok()) {
      LOG(ERROR) << "offsets log at " << offset << ": " << batches.status().ToString();
    }
    offset = read.next_offset;
  }
  LOG(INFO) << "loaded " << LiveLocked() << " committed offsets of " << offsets_.size()
            << " groups from " << log_records_ << " records";
  return Status::OK();
}

void OffsetStore::ReplayBatch(const RecordBatchView& batch, Offset log_start) {
  if (Status crc = batch.VerifyCrc(); !crc.ok()) {
    LOG(ERROR) << "skipping offsets batch at " << batch.header().base_offset << ": "
               << crc.ToString();
    return;
  }
  Result<std::vector<Record>> records = DecodeRecords(batch);
  if (!records.ok()) {
    LOG(ERROR) << "skipping offsets batch at " << batch.header().base_offset << ": "
               << records.status().ToString();
    return;
  }
  for (const Record& record : *records) {
    if (record.offset < log_start) continue;
    ++log_records_;
    Result<OffsetKey> key =
        record.key ? DecodeOffsetKey(AsString(*record.key)) : Status::Corruption("null key");
    if (!key.ok()) {
      LOG(ERROR) << "skipping offsets record " << record.offset << ": " << key.status().ToString();
      continue;
    }
    if (!record.value) {
      Apply(*key, std::nullopt);
      continue;
    }
    Result<CommittedOffset> value = DecodeOffsetValue(AsString(*record.value));
    if (!value.ok()) {
      LOG(ERROR) << "skipping offsets record " << record.offset << ": "
                 << value.status().ToString();
      continue;
    }
    Apply(*key, *value);
  }
}

void OffsetStore::Apply(const OffsetKey& key, const std::optional<CommittedOffset>& value) {
  if (value) {
    offsets_[key.group].insert_or_assign(key.partition, *value);
    return;
  }
  auto group = offsets_.find(key.group);
  if (group == offsets_.end()) return;
  group->second.erase(key.partition);
  if (group->second.empty()) offsets_.erase(group);
}

Status OffsetStore::EnsureLogLocked() {
  if (log_ != nullptr) return Status::OK();
  const ConfigMap configs = {
      {"segment.bytes", std::to_string(options_.segment_bytes)},
      // Offsets live until their group or topic is deleted; only snapshots drop records.
      {"retention.ms", "-1"},
      {"retention.bytes", "-1"},
      {"max.message.bytes", std::to_string(kTopicMaxMessageBytes)},
  };
  Status created = logs_->CreateTopic(kConsumerOffsetsTopic, 1, configs);
  if (!created.ok() && !created.IsAlreadyExists()) return created;
  log_ = logs_->GetPartition(PartitionId{std::string(kConsumerOffsetsTopic), 0});
  if (log_ == nullptr) return Status::NotFound("offsets topic vanished while being created");
  return Status::OK();
}

Result<std::optional<Offset>> OffsetStore::AppendLocked(std::span<const Entry> entries) {
  RETURN_IF_ERROR(EnsureLogLocked());
  std::optional<Offset> last;
  const TimestampMs now = clock_->NowMs();
  size_t first = 0;
  while (first < entries.size()) {
    std::vector<RecordData> records;
    size_t bytes = 0;
    size_t end = first;
    for (; end < entries.size() && (end == first || bytes < kMaxBatchBytes); ++end) {
      const auto& [key, value] = entries[end];
      RecordData& record = records.emplace_back();
      record.key = EncodeOffsetKey(key);
      if (value) record.value = EncodeOffsetValue(*value);
      record.timestamp = now;
      bytes += record.key->size() + (record.value ? record.value->size() : 0);
    }
    std::string batch = BuildRecordBatch(records);
    ASSIGN_OR_RETURN(
        AppendResult appended,
        log_->Append(std::span<uint8_t>(reinterpret_cast<uint8_t*>(batch.data()), batch.size())));
    for (size_t i = first; i < end; ++i) Apply(entries[i].first, entries[i].second);
    log_records_ += static_cast<int64_t>(end - first);
    last = appended.last_offset;
    first = end;
  }
  return last;
}

void OffsetStore::Commit(const std::string& group, const Offsets& offsets, DoneCallback done) {
  std::vector<Entry> entries;
  entries.reserve(offsets.size());
  for (const auto& [partition, value] : offsets) {
    entries.emplace_back(OffsetKey{group, partition}, value);
  }
  std::shared_ptr<PartitionLog> log;
  Result<std::optional<Offset>> last = std::optional<Offset>();
  {
    std::lock_guard lock(mu_);
    last = AppendLocked(entries);
    log = log_;
  }
  if (!last.ok()) {
    done(last.status());
    return;
  }
  if (!last->has_value()) {
    done(Status::OK());
    return;
  }
  if (flusher_ != nullptr) {
    flusher_->FlushAsync(std::move(log), **last, std::move(done));
  } else {
    done(log->Flush());
  }
}

std::optional<CommittedOffset> OffsetStore::Get(const std::string& group,
                                                const PartitionId& p) const {
  std::lock_guard lock(mu_);
  auto it = offsets_.find(group);
  if (it == offsets_.end()) return std::nullopt;
  auto offset = it->second.find(p);
  if (offset == it->second.end()) return std::nullopt;
  return offset->second;
}

OffsetStore::Offsets OffsetStore::GetAll(const std::string& group) const {
  std::lock_guard lock(mu_);
  auto it = offsets_.find(group);
  return it == offsets_.end() ? Offsets() : it->second;
}

bool OffsetStore::HasGroup(const std::string& group) const {
  std::lock_guard lock(mu_);
  return offsets_.contains(group);
}

std::vector<std::string> OffsetStore::Groups() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> groups;
  for (const auto& [group, offsets] : offsets_) groups.push_back(group);
  return groups;
}

Status OffsetStore::DeleteWhere(const std::function<bool(const OffsetKey&)>& select) {
  std::shared_ptr<PartitionLog> log;
  {
    std::lock_guard lock(mu_);
    std::vector<Entry> tombstones;
    for (const auto& [group, offsets] : offsets_) {
      for (const auto& [partition, value] : offsets) {
        OffsetKey key{group, partition};
        if (select(key)) tombstones.emplace_back(std::move(key), std::nullopt);
      }
    }
    if (tombstones.empty()) return Status::OK();
    RETURN_IF_ERROR(AppendLocked(tombstones).status());
    log = log_;
  }
  return log->Flush();
}

Status OffsetStore::DeleteGroup(const std::string& group) {
  return DeleteWhere([&](const OffsetKey& key) { return key.group == group; });
}

Status OffsetStore::DeleteTopic(std::string_view topic) {
  return DeleteWhere([&](const OffsetKey& key) { return key.partition.topic == topic; });
}

Status OffsetStore::MaybeCompact() {
  std::lock_guard compact_lock(compact_mu_);
  std::shared_ptr<PartitionLog> log;
  Offset snapshot_start = 0;
  {
    std::lock_guard lock(mu_);
    const auto live = static_cast<int64_t>(LiveLocked());
    if (log_ == nullptr || log_records_ < options_.compact_min_records || log_records_ < 2 * live) {
      return Status::OK();
    }
    snapshot_start = log_->next_offset();
    std::vector<Entry> snapshot;
    snapshot.reserve(static_cast<size_t>(live));
    for (const auto& [group, offsets] : offsets_) {
      for (const auto& [partition, value] : offsets) {
        snapshot.emplace_back(OffsetKey{group, partition}, value);
      }
    }
    RETURN_IF_ERROR(AppendLocked(snapshot).status());
    log_records_ = live;
    log = log_;
  }
  // Only once the snapshot is durable may the records it supersedes go.
  RETURN_IF_ERROR(log->Flush());
  RETURN_IF_ERROR(log->DeleteRecordsBefore(snapshot_start));
  ASSIGN_OR_RETURN(const size_t removed, log->ApplyRetention());
  LOG(INFO) << "offsets snapshot at " << snapshot_start << ": " << removed << " segments removed, "
            << log->size_bytes() << " bytes left";
  return Status::OK();
}

int64_t OffsetStore::log_records() const {
  std::lock_guard lock(mu_);
  return log_records_;
}

size_t OffsetStore::live_offsets() const {
  std::lock_guard lock(mu_);
  return LiveLocked();
}

size_t OffsetStore::LiveLocked() const {
  size_t live = 0;
  for (const auto& [group, offsets] : offsets_) live += offsets.size();
  return live;
}

}  // namespace ringlog
