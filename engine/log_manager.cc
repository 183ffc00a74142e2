#include "engine/log_manager.h"

#include <glog/logging.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <set>
#include <utility>

namespace ringlog {
namespace {

// Topic metadata blob "topic.<name>": versioned text, one fact per line.
//
//   ringlog-topic 1
//   partitions <count>
//   config <name> <value>        (one line per override)
//
// Names and values are escaped: '%', space, control bytes and bytes >= 0x7f become %XX
// (two upper-case hex digits), so a value may hold any byte, newlines included.
constexpr std::string_view kTopicMetaPrefix = "topic.";
constexpr std::string_view kTopicMetaMagic = "ringlog-topic";
constexpr int kTopicMetaVersion = 1;
constexpr size_t kMaxTopicNameLength = 249;

std::string TopicMetaName(std::string_view topic) {
  return std::string(kTopicMetaPrefix) + std::string(topic);
}

std::string Escape(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '%') {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> Unescape(std::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '%') {
      out += escaped[i];
      continue;
    }
    unsigned byte = 0;
    const char* first = escaped.data() + i + 1;
    if (i + 2 >= escaped.size() || std::from_chars(first, first + 2, byte, 16).ptr != first + 2) {
      return Status::Corruption("bad escape in '" + std::string(escaped) + "'");
    }
    out += static_cast<char>(byte);
    i += 2;
  }
  return out;
}

std::string EncodeTopic(const TopicInfo& info) {
  std::string out = std::string(kTopicMetaMagic) + " " + std::to_string(kTopicMetaVersion) + "\n";
  out += "partitions " + std::to_string(info.partitions) + "\n";
  for (const auto& [name, value] : info.configs) {
    out += "config " + Escape(name) + " " + Escape(value) + "\n";
  }
  return out;
}

// Fills info.partitions and info.configs from a blob EncodeTopic wrote.
Status DecodeTopic(std::string_view blob, TopicInfo* info) {
  bool first_line = true;
  bool have_partitions = false;
  while (!blob.empty()) {
    const size_t eol = blob.find('\n');
    if (eol == std::string_view::npos) return Status::Corruption("unterminated last line");
    const std::string_view line = blob.substr(0, eol);
    blob.remove_prefix(eol + 1);
    const size_t space = line.find(' ');
    const std::string_view key = line.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
    if (first_line) {
      if (key != kTopicMetaMagic) return Status::Corruption("not a topic metadata blob");
      if (rest != std::to_string(kTopicMetaVersion)) {
        return Status::NotSupported("topic metadata version " + std::string(rest));
      }
      first_line = false;
    } else if (key == "partitions") {
      int32_t count = 0;
      const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), count);
      if (ec != std::errc() || end != rest.data() + rest.size() || count < 1) {
        return Status::Corruption("bad partition count '" + std::string(rest) + "'");
      }
      info->partitions = count;
      have_partitions = true;
    } else if (key == "config") {
      const size_t sep = rest.find(' ');
      if (sep == std::string_view::npos) return Status::Corruption("config line without value");
      ASSIGN_OR_RETURN(std::string name, Unescape(rest.substr(0, sep)));
      ASSIGN_OR_RETURN(std::string value, Unescape(rest.substr(sep + 1)));
      info->configs.insert_or_assign(std::move(name), std::move(value));
    } else {
      return Status::Corruption("unknown line '" + std::string(key) + "'");
    }
  }
  if (!have_partitions) return Status::Corruption("no partition count");
  return Status::OK();
}

// Deletes logs opened for a creation that failed; the error being returned says why.
void DiscardLogs(const std::vector<std::shared_ptr<PartitionLog>>& logs) {
  for (const auto& log : logs) {
    Status s = log->Delete();
    if (!s.ok()) LOG(ERROR) << "discarding " << log->id().ToString() << ": " << s.ToString();
  }
}

}  // namespace

Status ValidateTopicName(std::string_view name) {
  if (name.empty() || name.size() > kMaxTopicNameLength) {
    return Status::InvalidArgument("topic name must have 1 to " +
                                   std::to_string(kMaxTopicNameLength) + " characters");
  }
  if (name == "." || name == "..") return Status::InvalidArgument("topic name cannot be . or ..");
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("topic name '" + std::string(name) +
                                     "' may only hold [a-zA-Z0-9._-]");
    }
  }
  return Status::OK();
}

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
  return manager;
}

Status LogManager::Load() {
  std::unique_lock lock(mu_);
  ASSIGN_OR_RETURN(std::vector<std::string> names, backend_->ListMeta(kTopicMetaPrefix));
  for (const std::string& meta_name : names) {
    Topic topic;
    topic.info.name = meta_name.substr(kTopicMetaPrefix.size());
    ASSIGN_OR_RETURN(std::string blob, backend_->GetMeta(meta_name));
    RETURN_IF_ERROR(DecodeTopic(blob, &topic.info).WithContext("metadata of " + meta_name));
    Result<LogOptions> options = ApplyTopicConfigs(defaults_, topic.info.configs);
    if (!options.ok()) return options.status().WithContext("configs of " + topic.info.name);
    for (int32_t i = 0; i < topic.info.partitions; ++i) {
      ASSIGN_OR_RETURN(auto log, OpenPartition(topic.info, *options, i));
      topic.partitions.push_back(std::move(log));
    }
    topics_.emplace(topic.info.name, std::move(topic));
  }
  return RemoveLeftovers();
}

Status LogManager::RemoveLeftovers() {
  ASSIGN_OR_RETURN(std::vector<PartitionId> stored, backend_->ListPartitions());
  std::set<std::string> known_blobs;
  for (const auto& [name, topic] : topics_) {
    for (const auto& log : topic.partitions) {
      known_blobs.insert(PartitionLog::LogStartMetaName(log->id()));
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
  ASSIGN_OR_RETURN(std::vector<std::string> blobs,
                   backend_->ListMeta(PartitionLog::kLogStartMetaPrefix));
  for (const std::string& blob : blobs) {
    if (known_blobs.contains(blob)) continue;
    LOG(WARNING) << "removing " << blob << " that belongs to no partition";
    Status s = backend_->DeleteMeta(blob);
    if (!s.ok()) LOG(ERROR) << "removing " << blob << ": " << s.ToString();
  }
  return Status::OK();
}

Status LogManager::PersistTopic(const TopicInfo& info) {
  return backend_->PutMeta(TopicMetaName(info.name), EncodeTopic(info));
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
      return log.status();
    }
    logs.push_back(std::move(*log));
  }
  return logs;
}

Status LogManager::CreateTopic(std::string_view name, int32_t partitions,
                               const ConfigMap& configs) {
  RETURN_IF_ERROR(ValidateTopicName(name));
  if (partitions < 1 || partitions > kMaxPartitions) {
    return Status::InvalidArgument("partition count must be in [1, " +
                                   std::to_string(kMaxPartitions) + "], got " +
                                   std::to_string(partitions));
  }
  ASSIGN_OR_RETURN(LogOptions options, ApplyTopicConfigs(defaults_, configs));
  std::unique_lock lock(mu_);
  if (topics_.contains(std::string(name))) {
    return Status::AlreadyExists("topic " + std::string(name));
  }
  Topic topic;
  topic.info = {std::string(name), partitions, configs};
  ASSIGN_OR_RETURN(topic.partitions, CreatePartitionLogs(topic.info, options, 0, partitions));
  if (Status s = PersistTopic(topic.info); !s.ok()) {
    DiscardLogs(topic.partitions);
    return s;
  }
  topics_.emplace(topic.info.name, std::move(topic));
  return Status::OK();
}

Status LogManager::DeleteTopic(std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = topics_.find(std::string(name));
  if (it == topics_.end()) return Status::NotFound("topic " + std::string(name));
  RETURN_IF_ERROR(backend_->DeleteMeta(TopicMetaName(name)));
  const Topic topic = std::move(it->second);
  topics_.erase(it);
  // The topic is gone already; a partition that fails to go now is removed on next open.
  Status first_error;
  for (const auto& log : topic.partitions) {
    Status s = log->Delete();
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  return first_error;
}

Status LogManager::CreatePartitions(std::string_view name, int32_t total) {
  std::unique_lock lock(mu_);
  auto it = topics_.find(std::string(name));
  if (it == topics_.end()) return Status::NotFound("topic " + std::string(name));
  Topic& topic = it->second;
  if (total <= topic.info.partitions || total > kMaxPartitions) {
    return Status::InvalidArgument("topic " + topic.info.name + " has " +
                                   std::to_string(topic.info.partitions) +
                                   " partitions; cannot grow to " + std::to_string(total));
  }
  ASSIGN_OR_RETURN(LogOptions options, ApplyTopicConfigs(defaults_, topic.info.configs));
  TopicInfo grown = topic.info;
  grown.partitions = total;
  ASSIGN_OR_RETURN(auto added, CreatePartitionLogs(grown, options, topic.info.partitions, total));
  if (Status s = PersistTopic(grown); !s.ok()) {
    DiscardLogs(added);
    return s;
  }
  topic.info = std::move(grown);
  for (auto& log : added) topic.partitions.push_back(std::move(log));
  return Status::OK();
}

Status LogManager::AlterTopicConfigs(std::string_view name, const ConfigMap& configs) {
  ASSIGN_OR_RETURN(LogOptions options, ApplyTopicConfigs(defaults_, configs));
  std::unique_lock lock(mu_);
  auto it = topics_.find(std::string(name));
  if (it == topics_.end()) return Status::NotFound("topic " + std::string(name));
  Topic& topic = it->second;
  TopicInfo altered = topic.info;
  altered.configs = configs;
  RETURN_IF_ERROR(PersistTopic(altered));
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

Status LogManager::Close() {
  Status flushed = FlushAll();
  {
    // Our segments go before the backend closes under them.
    std::unique_lock lock(mu_);
    topics_.clear();
  }
  Status closed = backend_->Close();
  return flushed.ok() ? closed : flushed;
}

}  // namespace ringlog
