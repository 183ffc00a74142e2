#include "engine/log/log_manager.h"

#include <glog/logging.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "engine/log/recovery_progress.h"

namespace ringlog {
namespace {

// One start-up line for the operator: the damaged batches that recovery kept, per
// partition (each was logged with its file position when its segment was opened).
void ReportDamage(const std::vector<std::shared_ptr<PartitionLog>>& logs) {
  size_t batches = 0;
  size_t partitions = 0;
  std::string where;
  for (const auto& log : logs) {
    const std::vector<DamagedRange> ranges = log->damaged_ranges();
    if (ranges.empty()) continue;
    batches += ranges.size();
    ++partitions;
    // Appended piece by piece: GCC 12 warns (-Wrestrict) about "literal" + std::string&&.
    where.append(" ").append(log->id().ToString()).append(":");
    for (const DamagedRange& r : ranges) {
      where.append(" [").append(std::to_string(r.first_offset)).append(", ");
      where.append(std::to_string(r.end_offset)).append(")");
    }
  }
  if (batches == 0) return;
  LOG(ERROR) << batches << " damaged batches in " << partitions
             << " partitions are kept but cannot be read (fetches of their offsets answer "
                "CORRUPT_MESSAGE; consumers seek past them); offsets:"
             << where;
}

// Deletes logs opened for a creation that failed; the error being returned says why.
void DiscardLogs(const std::vector<std::shared_ptr<PartitionLog>>& logs) {
  for (const auto& log : logs) {
    Status s = log->Delete();
    if (!s.ok()) LOG(ERROR) << "discarding " << log->id().ToString() << ": " << s.ToString();
  }
}

// Removes whatever a partition that failed to open for a creation left in storage.
void DiscardPartitionStorage(StorageBackend* backend, const PartitionId& id) {
  for (const std::string& blob :
       {PartitionLog::LogStartMetaName(id), PartitionLog::ProducerStateMetaName(id),
        PartitionLog::AbortedTxnMetaName(id), PartitionLog::LeaderEpochMetaName(id),
        PartitionLog::HighWatermarkMetaName(id)}) {
    Status s = backend->DeleteMeta(blob);
    if (!s.ok() && !s.IsNotFound()) LOG(ERROR) << "discarding " << blob << ": " << s.ToString();
  }
  Status s = backend->DeletePartition(id);
  if (!s.ok()) LOG(ERROR) << "discarding " << id.ToString() << ": " << s.ToString();
}

// FlushForClose of every log, on several threads: concurrent fdatasyncs share the
// filesystem's journal commits, where one after another each partition with unflushed
// data costs a commit of its own (milliseconds each on the CI disk).
Status FlushAllForClose(const std::vector<std::shared_ptr<PartitionLog>>& logs) {
  constexpr size_t kMaxThreads = 16;
  constexpr size_t kLogsPerThread = 64;
  const size_t threads = std::min(kMaxThreads, (logs.size() + kLogsPerThread - 1) / kLogsPerThread);
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto work = [&] {
    for (size_t i = next++; i < logs.size(); i = next++) {
      Status s = logs[i]->FlushForClose();
      if (s.ok()) continue;
      std::lock_guard lock(mu);
      if (first_error.ok()) first_error = s;
    }
  };
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return first_error;
}

}  // namespace

LogManager::LogManager(StorageBackend* backend, const LogOptions& defaults, const Clock* clock)
    : backend_(backend), defaults_(defaults), clock_(clock) {}

LogManager::~LogManager() = default;

Result<std::unique_ptr<LogManager>> LogManager::Open(StorageBackend* backend,
                                                     const LogOptions& defaults,
                                                     const Clock* clock) {
  CHECK(backend != nullptr);
  CHECK(clock != nullptr);
  RETURN_IF_ERROR(defaults.Validate());
  std::unique_ptr<LogManager> manager(new LogManager(backend, defaults, clock));
  RETURN_IF_ERROR(manager->Load());
  ReportDamage(manager->AllPartitions());
  return manager;
}

Result<std::vector<TopicInfo>> LogManager::ReadTopicRecords() {
  ASSIGN_OR_RETURN(std::vector<std::string> names, backend_->ListMeta(kTopicRecordPrefix));
  std::vector<TopicInfo> topics;
  for (const std::string& record : names) {
    ASSIGN_OR_RETURN(std::string blob, backend_->GetMeta(record));
    ASSIGN_OR_RETURN(TopicInfo info, DecodeTopicRecord(record, blob));
    if (Result<LogOptions> options = ApplyTopicConfigs(defaults_, info.configs); !options.ok()) {
      return Status::Corruption("topic record " + record + ": " + options.status().message());
    }
    topics.push_back(std::move(info));
  }
  return topics;
}

Status LogManager::AssignMissingIds(std::vector<TopicInfo>& infos) {
  for (TopicInfo& info : infos) {
    if (!info.id.IsZero()) continue;
    info.id = Uuid::Random();
    LOG(INFO) << "topic " << info.name << " predates topic ids; its id is now "
              << info.id.ToString();
    RETURN_IF_ERROR(PersistTopic(info));
  }
  return Status::OK();
}

Status LogManager::Load() {
  std::unique_lock lock(mu_);
  ASSIGN_OR_RETURN(std::vector<TopicInfo> infos, ReadTopicRecords());
  RETURN_IF_ERROR(AssignMissingIds(infos));
  size_t partitions = 0;
  for (const TopicInfo& info : infos) partitions += info.partitions;
  RecoveryProgress progress(partitions, infos.size());
  for (TopicInfo& info : infos) {
    Topic topic;
    topic.info = std::move(info);
    ASSIGN_OR_RETURN(LogOptions options, ApplyTopicConfigs(defaults_, topic.info.configs));
    for (int32_t i = 0; i < topic.info.partitions; ++i) {
      ASSIGN_OR_RETURN(auto log, OpenPartition(topic.info, options, i));
      topic.partitions.push_back(std::move(log));
      progress.PartitionDone();
    }
    names_by_id_.emplace(topic.info.id, topic.info.name);
    topics_.emplace(topic.info.name, std::move(topic));
  }
  progress.Finish();
  return RemoveLeftovers();
}

Status LogManager::RemoveLeftovers() {
  ASSIGN_OR_RETURN(std::vector<PartitionId> stored, backend_->ListPartitions());
  std::set<std::string> known_blobs;
  for (const auto& [name, topic] : topics_) {
    for (const auto& log : topic.partitions) {
      known_blobs.insert(PartitionLog::LogStartMetaName(log->id()));
      known_blobs.insert(PartitionLog::ProducerStateMetaName(log->id()));
      known_blobs.insert(PartitionLog::AbortedTxnMetaName(log->id()));
      known_blobs.insert(PartitionLog::LeaderEpochMetaName(log->id()));
      known_blobs.insert(PartitionLog::HighWatermarkMetaName(log->id()));
    }
  }
  for (const PartitionId& id : stored) {
    auto it = topics_.find(id.topic);
    if (it != topics_.end() && id.partition >= 0 && id.partition < it->second.info.partitions) {
      continue;
    }
    LOG(WARNING) << "removing partition " << id.ToString()
                 << " that belongs to no topic (an interrupted topic deletion)";
    Status s = backend_->DeletePartition(id);
    if (!s.ok()) LOG(ERROR) << "removing partition " << id.ToString() << ": " << s.ToString();
  }
  for (std::string_view prefix :
       {PartitionLog::kLogStartMetaPrefix, PartitionLog::kProducerStateMetaPrefix,
        PartitionLog::kAbortedTxnMetaPrefix, PartitionLog::kLeaderEpochMetaPrefix,
        PartitionLog::kHighWatermarkMetaPrefix}) {
    ASSIGN_OR_RETURN(std::vector<std::string> blobs, backend_->ListMeta(prefix));
    for (const std::string& blob : blobs) {
      if (known_blobs.contains(blob)) continue;
      LOG(WARNING) << "removing " << blob << " that belongs to no partition";
      Status s = backend_->DeleteMeta(blob);
      if (!s.ok()) LOG(ERROR) << "removing " << blob << ": " << s.ToString();
    }
  }
  return Status::OK();
}

Status LogManager::PersistTopic(const TopicInfo& info) {
  return backend_->PutMeta(TopicRecordName(info.name), EncodeTopicRecord(info));
}

Result<std::shared_ptr<PartitionLog>> LogManager::OpenPartition(const TopicInfo& info,
                                                                const LogOptions& options,
                                                                int32_t index) {
  ASSIGN_OR_RETURN(std::unique_ptr<PartitionLog> log,
                   PartitionLog::Open({info.name, index}, backend_, options, clock_));
  return std::shared_ptr<PartitionLog>(std::move(log));
}

Result<std::vector<std::shared_ptr<PartitionLog>>> LogManager::CreatePartitionLogs(
    const TopicInfo& info, const LogOptions& options, int32_t first, int32_t end) {
  std::vector<std::shared_ptr<PartitionLog>> logs;
  for (int32_t i = first; i < end; ++i) {
    Result<std::shared_ptr<PartitionLog>> log = OpenPartition(info, options, i);
    if (log.ok() && (*log)->next_offset() > 0) {
      // A deletion that failed halfway left data here; a new topic must start empty.
      LOG(WARNING) << "wiping stale data of " << (*log)->id().ToString();
      Status wiped = (*log)->Delete();
      log = wiped.ok() ? OpenPartition(info, options, i)
                       : Result<std::shared_ptr<PartitionLog>>(wiped);
    }
    if (!log.ok()) {
      DiscardLogs(logs);
      DiscardPartitionStorage(backend_, {info.name, i});
      return log.status();
    }
    logs.push_back(std::move(*log));
  }
  return logs;
}

Status LogManager::CreateTopic(std::string_view name, int32_t partitions,
                               const ConfigMap& configs) {
  return CreateTopic(name, partitions, configs, Uuid::Random());
}

Status LogManager::CreateTopic(std::string_view name, int32_t partitions, const ConfigMap& configs,
                               const Uuid& id) {
  RETURN_IF_ERROR(ValidateTopicName(name));
  RETURN_IF_ERROR(ValidatePartitionCount(partitions));
  if (id.IsZero()) return Status::InvalidArgument("topic " + std::string(name) + ": zero id");
  ASSIGN_OR_RETURN(LogOptions options, ApplyTopicConfigs(defaults_, configs));
  std::lock_guard admin(admin_mu_);
  if (GetTopic(name).ok()) return Status::AlreadyExists("topic " + std::string(name));
  if (std::optional<std::string> holder = TopicName(id)) {
    return Status::AlreadyExists("topic id " + id.ToString() + " is topic " + *holder + "'s");
  }
  Topic topic;
  topic.info = {std::string(name), partitions, configs, id};
  ASSIGN_OR_RETURN(topic.partitions, CreatePartitionLogs(topic.info, options, 0, partitions));
  if (Status s = PersistTopic(topic.info); !s.ok()) {
    DiscardLogs(topic.partitions);
    return s;
  }
  std::unique_lock lock(mu_);
  names_by_id_.emplace(topic.info.id, topic.info.name);
  topics_.emplace(topic.info.name, std::move(topic));
  return Status::OK();
}

Status LogManager::DeleteTopic(std::string_view name) {
  std::lock_guard admin(admin_mu_);
  if (!GetTopic(name).ok()) return Status::NotFound("topic " + std::string(name));
  RETURN_IF_ERROR(backend_->DeleteMeta(TopicRecordName(name)));
  Topic topic;
  {
    std::unique_lock lock(mu_);
    auto it = topics_.find(std::string(name));
    topic = std::move(it->second);
    topics_.erase(it);
    names_by_id_.erase(topic.info.id);
  }
  // The topic is gone already; a partition that fails to go now is removed on next open.
  Status first_error;
  for (const auto& log : topic.partitions) {
    Status s = log->Delete();
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  return first_error;
}

Status LogManager::CreatePartitions(std::string_view name, int32_t total) {
  std::lock_guard admin(admin_mu_);
  ASSIGN_OR_RETURN(TopicInfo info, GetTopic(name));
  if (total <= info.partitions || !ValidatePartitionCount(total).ok()) {
    return Status::InvalidArgument("topic " + info.name + " has " +
                                   std::to_string(info.partitions) +
                                   " partitions; cannot grow to " + std::to_string(total));
  }
  ASSIGN_OR_RETURN(LogOptions options, ApplyTopicConfigs(defaults_, info.configs));
  TopicInfo grown = info;
  grown.partitions = total;
  ASSIGN_OR_RETURN(auto added, CreatePartitionLogs(grown, options, info.partitions, total));
  if (Status s = PersistTopic(grown); !s.ok()) {
    DiscardLogs(added);
    return s;
  }
  std::unique_lock lock(mu_);
  Topic& topic = topics_.at(grown.name);
  topic.info = std::move(grown);
  for (auto& log : added) topic.partitions.push_back(std::move(log));
  return Status::OK();
}

Status LogManager::AlterTopicConfigs(std::string_view name, const ConfigMap& configs) {
  ASSIGN_OR_RETURN(LogOptions options, ApplyTopicConfigs(defaults_, configs));
  std::lock_guard admin(admin_mu_);
  ASSIGN_OR_RETURN(TopicInfo altered, GetTopic(name));
  altered.configs = configs;
  RETURN_IF_ERROR(PersistTopic(altered));
  std::unique_lock lock(mu_);
  Topic& topic = topics_.at(altered.name);
  topic.info = std::move(altered);
  for (const auto& log : topic.partitions) {
    // ApplyTopicConfigs validated the options, so no partition can refuse them.
    CHECK(log->SetOptions(options).ok());
  }
  return Status::OK();
}

Result<TopicInfo> LogManager::GetTopic(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = topics_.find(std::string(name));
  if (it == topics_.end()) return Status::NotFound("topic " + std::string(name));
  return it->second.info;
}

std::optional<Uuid> LogManager::TopicId(std::string_view topic) const {
  std::shared_lock lock(mu_);
  auto it = topics_.find(std::string(topic));
  if (it == topics_.end()) return std::nullopt;
  return it->second.info.id;
}

std::optional<std::string> LogManager::TopicName(const Uuid& id) const {
  std::shared_lock lock(mu_);
  auto it = names_by_id_.find(id);
  if (it == names_by_id_.end()) return std::nullopt;
  return it->second;
}

std::vector<TopicInfo> LogManager::ListTopics() const {
  std::vector<TopicInfo> infos;
  {
    std::shared_lock lock(mu_);
    for (const auto& [name, topic] : topics_) infos.push_back(topic.info);
  }
  std::sort(infos.begin(), infos.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return infos;
}

std::shared_ptr<PartitionLog> LogManager::GetPartition(const PartitionId& id) const {
  std::shared_lock lock(mu_);
  auto it = topics_.find(id.topic);
  if (it == topics_.end() || id.partition < 0 ||
      id.partition >= static_cast<int32_t>(it->second.partitions.size())) {
    return nullptr;
  }
  return it->second.partitions[id.partition];
}

std::vector<std::shared_ptr<PartitionLog>> LogManager::AllPartitions() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<PartitionLog>> all;
  for (const auto& [name, topic] : topics_) {
    all.insert(all.end(), topic.partitions.begin(), topic.partitions.end());
  }
  return all;
}

void LogManager::RunHousekeeping() {
  for (const auto& log : AllPartitions()) {
    Result<size_t> removed = log->ApplyRetention();
    if (!removed.ok()) {
      LOG(WARNING) << "retention of " << log->id().ToString() << ": "
                   << removed.status().ToString();
    } else if (*removed > 0) {
      VLOG(1) << "retention removed " << *removed << " segments of " << log->id().ToString();
    }
    Result<size_t> expired = log->ExpireProducers();
    if (!expired.ok()) {
      LOG(WARNING) << "expiring producers of " << log->id().ToString() << ": "
                   << expired.status().ToString();
    } else if (*expired > 0) {
      VLOG(1) << "expired " << *expired << " idle producers of " << log->id().ToString();
    }
    Status flushed = log->FlushIfDue();
    if (!flushed.ok()) LOG(WARNING) << flushed.ToString();
  }
}

Status LogManager::FlushAll() {
  Status first_error;
  for (const auto& log : AllPartitions()) {
    Status s = log->Flush();
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  return first_error;
}

Status LogManager::CheckpointHighWatermarks() {
  Status first_error;
  for (const auto& log : AllPartitions()) {
    Status s = log->CheckpointHighWatermark();
    // A partition deleted meanwhile has nothing to keep.
    if (!s.ok() && !s.IsNotFound() && first_error.ok()) first_error = s;
  }
  return first_error;
}

Status LogManager::Close() {
  std::lock_guard admin(admin_mu_);
  Status flushed = FlushAllForClose(AllPartitions());
  {
    // Our segments go before the backend closes under them.
    std::unique_lock lock(mu_);
    topics_.clear();
    names_by_id_.clear();
  }
  Status closed = backend_->Close();
  return flushed.ok() ? closed : flushed;
}

}  // namespace ringlog
