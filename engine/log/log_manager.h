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
// Every topic has a random id (TopicInfo::id), made with it and kept in its record; a topic
// whose record predates ids gets one on open, written back, so ids are stable from then on.
//
// Thread safety: thread-safe. Lookups (GetTopic, TopicId, TopicName, GetPartition,
// ListTopics) never wait for storage work: topic creation, deletion, growth and config
// changes run one at a time, doing their storage work outside the lock that lookups take,
// and become visible all at once when done. A topic being created is not seen until all
// its partitions exist and its record is stored; a topic being deleted is gone for lookups
// once its record is. Partition logs handed out before a deletion fail their later calls
// (PartitionLog::Delete).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/clock.h"
#include "engine/log/log_options.h"
#include "engine/log/partition_log.h"
#include "engine/log/storage_backend.h"
#include "engine/log/topic_config.h"
#include "engine/log/topic_limits.h"
#include "engine/log/topic_record.h"
#include "engine/uuid.h"

namespace ringlog {

class LogManager final {
 public:
  // `backend` and `clock` must outlive the LogManager. InvalidArgument for bad defaults;
  // the backend's error when a partition cannot be recovered. Every topic record is read
  // and checked (engine/log/topic_record.h, the topic's configs) before any partition is
  // opened, so a damaged record fails the open, naming the record, before anything on the
  // medium is changed.
  static Result<std::unique_ptr<LogManager>> Open(StorageBackend* backend,
                                                  const LogOptions& defaults, const Clock* clock);
  ~LogManager();
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  // InvalidArgument for a bad name, a partition count outside [1, kMaxPartitionsPerTopic]
  // or a bad config; AlreadyExists when the topic exists. On any other error nothing of the
  // topic is left in storage.
  Status CreateTopic(std::string_view name, int32_t partitions, const ConfigMap& configs);
  // The same with the topic's id given, for a broker of a cluster, whose topics carry the
  // cluster's ids. InvalidArgument for a zero id as well; AlreadyExists when another topic
  // has the id.
  Status CreateTopic(std::string_view name, int32_t partitions, const ConfigMap& configs,
                     const Uuid& id);
  // NotFound when there is no such topic. Removes its partitions' data.
  Status DeleteTopic(std::string_view name);
  // Grows the topic to `total` partitions. InvalidArgument unless current count < total
  // <= kMaxPartitionsPerTopic. On any other error the topic keeps its partitions.
  Status CreatePartitions(std::string_view name, int32_t total);
  // Replaces the topic's overrides with `configs` (Kafka AlterConfigs semantics) and
  // applies them to every partition. InvalidArgument for a bad config, NotFound.
  Status AlterTopicConfigs(std::string_view name, const ConfigMap& configs);

  Result<TopicInfo> GetTopic(std::string_view name) const;
  // The topic's id; nullopt when there is no such topic.
  std::optional<Uuid> TopicId(std::string_view topic) const;
  // The name of the topic with id `id`; nullopt when no topic has it.
  std::optional<std::string> TopicName(const Uuid& id) const;
  // Sorted by name.
  std::vector<TopicInfo> ListTopics() const;
  // The partition's log, or nullptr when the topic or partition does not exist.
  std::shared_ptr<PartitionLog> GetPartition(const PartitionId& id) const;
  const LogOptions& defaults() const { return defaults_; }

  // One pass of background work over every partition: retention and flush.ms. Errors are
  // logged and the pass goes on with the next partition.
  void RunHousekeeping();
  Status FlushAll();
  // Stores the high watermark of every replicated partition that moved since its last
  // checkpoint (PartitionLog::CheckpointHighWatermark), for a cluster broker to call every
  // few seconds. Goes on past a failing partition; returns the first error.
  Status CheckpointHighWatermarks();
  // Waits for a topic change in progress, flushes every partition (PartitionLog::
  // FlushForClose: what was written, also after a failed write) and closes the backend
  // cleanly. Nothing may be called after.
  Status Close();

 private:
  struct Topic {
    TopicInfo info;
    std::vector<std::shared_ptr<PartitionLog>> partitions;
  };

  LogManager(StorageBackend* backend, const LogOptions& defaults, const Clock* clock);
  // Reads and checks every topic record, then opens the partitions they name.
  Status Load();
  // The stored topics, checked against the limits and the defaults; nothing is opened.
  Result<std::vector<TopicInfo>> ReadTopicRecords();
  // Gives each topic of `infos` without an id (a record from before ids) a new one and
  // stores its record.
  Status AssignMissingIds(std::vector<TopicInfo>& infos);
  // Deletes partitions and the blobs of partitions (log start, producer state, leader
  // epochs, high watermark) that belong to no topic (an interrupted deletion or creation),
  // with a LOG(WARNING) each.
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
  // Held through a topic change (create, delete, grow, alter) and its storage work: one
  // change at a time. Taken before mu_.
  std::mutex admin_mu_;
  // Guards topics_, briefly: lookups take it shared, a change exclusive to publish.
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Topic> topics_;
  // Topic id -> name, for every topic of topics_; guarded by mu_ as topics_ is.
  std::map<Uuid, std::string> names_by_id_;
};

}  // namespace ringlog
