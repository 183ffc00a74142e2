// LogManager: the broker's storage: every topic, its partitions and per-topic configs.
// Topic metadata persists through the backend's meta store, one blob per topic, each
// replaced atomically; on open, every partition of every known topic is recovered.
//
// The topic blob is the commit point: a topic or a partition exists once its blob says
// so. Creation stores partitions first and the blob last; deletion removes the blob first
// and the partitions after. So a crash in between leaves only partitions (and log-start
// blobs) that no topic names, and Open() removes those. Every partition in the backend
// must therefore belong to a LogManager topic.
//
// Thread safety: thread-safe.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/clock.h"
#include "engine/log_options.h"
#include "engine/partition_log.h"
#include "engine/storage_backend.h"
#include "engine/topic_config.h"

namespace ringlog {

struct TopicInfo {
  std::string name;
  int32_t partitions = 0;
  ConfigMap configs;  // the topic's overrides only
};

// Kafka's rule: 1 to 249 characters of [a-zA-Z0-9._-], not "." or "..".
Status ValidateTopicName(std::string_view name);

class LogManager final {
 public:
  // Partitions one topic may have: a bound on what one request can make the broker build.
  static constexpr int32_t kMaxPartitions = 10000;

  // `backend` and `clock` must outlive the LogManager. InvalidArgument for bad defaults;
  // the backend's error when a partition cannot be recovered.
  static Result<std::unique_ptr<LogManager>> Open(StorageBackend* backend,
                                                  const LogOptions& defaults, const Clock* clock);
  ~LogManager();
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  // InvalidArgument for a bad name, a partition count outside [1, kMaxPartitions] or a
  // bad config; AlreadyExists when the topic exists.
  Status CreateTopic(std::string_view name, int32_t partitions, const ConfigMap& configs);
  // NotFound when there is no such topic. Removes its partitions' data.
  Status DeleteTopic(std::string_view name);
  // Grows the topic to `total` partitions. InvalidArgument unless current count < total
  // <= kMaxPartitions.
  Status CreatePartitions(std::string_view name, int32_t total);
  // Replaces the topic's overrides with `configs` (Kafka AlterConfigs semantics) and
  // applies them to every partition. InvalidArgument for a bad config, NotFound.
  Status AlterTopicConfigs(std::string_view name, const ConfigMap& configs);

  Result<TopicInfo> GetTopic(std::string_view name) const;
  // Sorted by name.
  std::vector<TopicInfo> ListTopics() const;
  // The partition's log, or nullptr when the topic or partition does not exist.
  std::shared_ptr<PartitionLog> GetPartition(const PartitionId& id) const;
  const LogOptions& defaults() const { return defaults_; }

  // One pass of background work over every partition: retention and flush.ms. Errors are
  // logged and the pass goes on with the next partition.
  void RunHousekeeping();
  Status FlushAll();
  // Flushes every partition and closes the backend cleanly. Nothing may be called after.
  Status Close();

 private:
  struct Topic {
    TopicInfo info;
    std::vector<std::shared_ptr<PartitionLog>> partitions;
  };

  LogManager(StorageBackend* backend, const LogOptions& defaults, const Clock* clock);
  Status Load();
  // Deletes partitions and log-start blobs that belong to no topic (an interrupted
  // deletion or creation), with a LOG(WARNING) each.
  Status RemoveLeftovers();
  Status PersistTopic(const TopicInfo& info);
  // Opens partition `index` of the topic with `options`.
  Result<std::shared_ptr<PartitionLog>> OpenPartition(const TopicInfo& info,
                                                      const LogOptions& options, int32_t index);
  // Opens partitions [first, end) of a topic being created or grown; storage left there by
  // an earlier, failed deletion is wiped first. On error, the ones opened are deleted.
  Result<std::vector<std::shared_ptr<PartitionLog>>> CreatePartitionLogs(const TopicInfo& info,
                                                                         const LogOptions& options,
                                                                         int32_t first,
                                                                         int32_t end);
  // Every partition of every topic, for passes that run without mu_.
  std::vector<std::shared_ptr<PartitionLog>> AllPartitions() const;

  StorageBackend* const backend_;
  const LogOptions defaults_;
  const Clock* const clock_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Topic> topics_;
};

}  // namespace ringlog
