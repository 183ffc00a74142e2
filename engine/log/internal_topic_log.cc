#include "engine/log/internal_topic_log.h"

#include <glog/logging.h>

#include <span>
#include <utility>

#include "engine/log/read_result.h"

namespace ringlog {
namespace {

// Batches stay below this, well under the topic's max.message.bytes.
constexpr size_t kMaxBatchBytes = 256 << 10;
// Bytes read per step while replaying.
constexpr size_t kReplayReadBytes = 1 << 20;
// The topic's own max.message.bytes, whatever the broker default is.
constexpr int64_t kTopicMaxMessageBytes = 1 << 20;

}  // namespace

InternalTopicLog::InternalTopicLog(LogManager* logs, Flusher* flusher, InternalTopicOptions options)
    : logs_(logs),
      flusher_(flusher),
      options_(std::move(options)),
      num_partitions_(options_.num_partitions) {
  CHECK(logs != nullptr);
}

std::optional<int32_t> InternalTopicLog::Refresh() {
  Result<TopicInfo> info = logs_->GetTopic(options_.topic);
  if (!info.ok()) return std::nullopt;
  const int32_t existing = info->partitions;
  if (num_partitions_.exchange(existing) != existing) {
    LOG(INFO) << options_.topic << " has " << existing << " partitions";
  }
  return existing;
}

Status InternalTopicLog::CheckLoadable(int32_t partition) {
  if (!Refresh().has_value() && !options_.create_topic) {
    return Status::NotFound("topic " + options_.topic + " does not exist");
  }
  if (partition < 0 || partition >= num_partitions()) {
    return Status::InvalidArgument(options_.topic + " partition " + std::to_string(partition) +
                                   " outside [0, " + std::to_string(num_partitions()) + ")");
  }
  return Status::OK();
}

Result<std::shared_ptr<PartitionLog>> InternalTopicLog::Existing(int32_t partition) const {
  if (!logs_->GetTopic(options_.topic).ok()) return std::shared_ptr<PartitionLog>();
  std::shared_ptr<PartitionLog> log = logs_->GetPartition(PartitionId{options_.topic, partition});
  if (log == nullptr) {
    return Status::Corruption("topic " + options_.topic + " without partition " +
                              std::to_string(partition));
  }
  return log;
}

Result<std::shared_ptr<PartitionLog>> InternalTopicLog::Ensure(int32_t partition) {
  if (!options_.create_topic) {
    return Status::NotFound(options_.topic + " partition " + std::to_string(partition) +
                            " has no log");
  }
  const ConfigMap configs = {
      {"segment.bytes", std::to_string(options_.segment_bytes)},
      // Entries live until their key is deleted; only snapshots drop records.
      {"retention.ms", "-1"},
      {"retention.bytes", "-1"},
      {"max.message.bytes", std::to_string(kTopicMaxMessageBytes)},
  };
  Status created = logs_->CreateTopic(options_.topic, num_partitions(), configs);
  if (!created.ok() && !created.IsAlreadyExists()) return created;
  std::shared_ptr<PartitionLog> log = logs_->GetPartition(PartitionId{options_.topic, partition});
  if (log == nullptr) {
    return Status::NotFound(options_.topic + " partition " + std::to_string(partition) +
                            " vanished while being created");
  }
  return log;
}

Status InternalTopicLog::Replay(PartitionLog& log,
                                const std::function<void(const RecordBatchView&)>& visit) const {
  const Offset end = log.next_offset();
  Offset offset = log.log_start_offset();
  while (offset < end) {
    ASSIGN_OR_RETURN(ReadResult read, log.Read(offset, kReplayReadBytes, ReadBound::kLogEnd));
    if (read.next_offset <= offset) break;
    ASSIGN_OR_RETURN(std::string bytes, CopyReadBytes(read));
    BatchIterator batches(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    while (std::optional<RecordBatchView> batch = batches.Next()) visit(*batch);
    if (!batches.status().ok()) {
      LOG(ERROR) << log.id().ToString() << " at " << offset << ": " << batches.status().ToString();
    }
    offset = read.next_offset;
  }
  return Status::OK();
}

Result<Offset> InternalTopicLog::Append(PartitionLog& log, const std::vector<RecordData>& records,
                                        const BatchOptions& options,
                                        const StoredCallback& stored) const {
  Offset last = 0;
  size_t first = 0;
  while (first < records.size()) {
    size_t bytes = 0;
    size_t end = first;
    for (; end < records.size() && (end == first || bytes < kMaxBatchBytes); ++end) {
      bytes += (records[end].key ? records[end].key->size() : 0) +
               (records[end].value ? records[end].value->size() : 0);
    }
    std::string batch = BuildRecordBatch(
        std::vector<RecordData>(records.begin() + static_cast<std::ptrdiff_t>(first),
                                records.begin() + static_cast<std::ptrdiff_t>(end)),
        options);
    ASSIGN_OR_RETURN(
        AppendResult appended,
        log.Append(std::span<uint8_t>(reinterpret_cast<uint8_t*>(batch.data()), batch.size())));
    stored(first, end, appended.base_offset);
    last = appended.last_offset;
    first = end;
  }
  return last;
}

void InternalTopicLog::DurableThen(std::shared_ptr<PartitionLog> log, Offset last_offset,
                                   DoneCallback done) const {
  if (options_.await_replicas) {
    // Flushed, then replicated: the replicas' wait starts from the flush's thread.
    done = [this, log, end = last_offset + 1, done = std::move(done)](Status flushed) mutable {
      if (!flushed.ok()) return done(flushed);
      options_.await_replicas(log, end, std::move(done));
    };
  }
  if (flusher_ != nullptr) {
    flusher_->FlushAsync(std::move(log), last_offset, std::move(done));
  } else {
    done(log->Flush());
  }
}

Result<size_t> InternalTopicLog::DropBefore(PartitionLog& log, Offset new_start) const {
  RETURN_IF_ERROR(log.Flush());
  RETURN_IF_ERROR(log.DeleteRecordsBefore(new_start));
  return log.ApplyRetention();
}

}  // namespace ringlog
