// LocalCluster: a ringlog cluster on this machine for the suites that measure one: a
// private ZooKeeper (zookeeper_process.h) and `brokers` `ringlog serve` children
// (broker_process.h) with ids 1..brokers, each on a free loopback port with a data
// directory of its own, all under one scratch directory.
//
// Start() returns once every broker is registered and every broker's Metadata names all of
// them and one controller. Stop() (also run by the destructor) sends SIGTERM to every
// broker at once, waits for them, then kills ZooKeeper.
//
// The fault cases of the failover suite take one broker down (KillBroker: kill -9;
// StopBroker: SIGTERM) and bring it back (RestartBroker), or grow the cluster (AddBroker).
// While a broker is down, the queries below ask only the running ones.
//
// Thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/harness/loadgen/broker_process.h"
#include "bench/harness/loadgen/metadata_query.h"
#include "bench/harness/loadgen/zookeeper_process.h"
#include "engine/status.h"

namespace ringlog::bench {

struct LocalClusterOptions {
  std::string binary;  // the `ringlog` executable
  std::string dir;     // scratch: zookeeper/, broker-<id>/ and broker-<id>.log go inside
  std::string backend = "uring";
  int brokers = 3;
  // More `--flag=value` arguments for every broker.
  std::vector<std::string> flags;
};

class LocalCluster {
 public:
  // IOError when ZooKeeper or a broker does not start, or the cluster does not form within
  // a minute (the brokers' log files are named in the message).
  static Result<std::unique_ptr<LocalCluster>> Start(const LocalClusterOptions& options);

  ~LocalCluster();
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  // Stops every broker (IOError when one did not exit cleanly), then ZooKeeper. Idempotent.
  Status Stop();

  // "host:port,..." of every running broker, for a client's bootstrap.servers.
  std::string bootstrap_servers() const;
  // The broker with node id `id` (1..broker_count()). A restart replaces the object: do not
  // keep the reference across RestartBroker.
  const BrokerProcess& broker(int32_t id) const {
    return *brokers_.at(static_cast<size_t>(id - 1));
  }
  // Brokers started so far, running or not.
  int32_t broker_count() const { return static_cast<int32_t>(brokers_.size()); }
  bool running(int32_t id) const { return broker(id).running(); }

  // kill -9 of broker `id`: no flush, no goodbye to ZooKeeper; its registration stays until
  // its session times out. It stays down until RestartBroker.
  void KillBroker(int32_t id);
  // SIGTERM to broker `id`, waiting until it exits; IOError when it did not exit cleanly.
  Status StopBroker(int32_t id);
  // Starts the stopped broker `id` again on its data directory (on a new port, its log
  // appended to), and waits until every running broker's Metadata names it.
  Status RestartBroker(int32_t id);
  // Starts broker broker_count() + 1 with the flags of the others, and waits until every
  // running broker's Metadata names it. Its id.
  Result<int32_t> AddBroker();

  // Creates `topic` through broker 1 (forwarded to the controller) and waits until
  // WaitForLeaders succeeds; its answer. IOError when the controller refuses the topic.
  Result<std::vector<PartitionMetadata>> CreateTopic(const std::string& topic, int32_t partitions,
                                                     int16_t replication_factor) const;

  // Waits until every running broker's Metadata shows all `partitions` of `topic` without
  // error, each with a running leader and the same leader in every answer (a leader answers
  // without error only once it serves the partition). The partitions' metadata as the first
  // running broker then sees it; IOError after `timeout`.
  Result<std::vector<PartitionMetadata>> WaitForLeaders(
      const std::string& topic, int32_t partitions,
      std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

  // Says what keeps `topic` from the state a caller waits for ("" once it is there).
  using TopicCheck = std::function<std::string(const TopicMetadata&)>;
  // Waits until `check` passes on every running broker's Metadata of `topic`; the first
  // running broker's answer then. IOError with the last complaint after `timeout`.
  Result<TopicMetadata> WaitForTopic(const std::string& topic, const TopicCheck& check,
                                     std::chrono::milliseconds timeout) const;

  // The Metadata of `topic` from the first running broker, e.g. for its ISR after a run.
  Result<TopicMetadata> DescribeTopic(const std::string& topic) const;
  // The first running broker's Metadata answer for `topics` (none: the brokers only).
  Result<MetadataAnswer> AskRunningBroker(const std::vector<std::string>& topics) const;

 private:
  LocalCluster() = default;
  Status StartBroker(int32_t id, bool append_log);
  Status WaitForCluster(std::chrono::milliseconds timeout) const;
  // Every running broker's Metadata answer for `topics`.
  Result<std::vector<MetadataAnswer>> AskEveryBroker(const std::vector<std::string>& topics) const;
  std::string LogPaths() const;

  LocalClusterOptions options_;
  std::unique_ptr<ZooKeeperProcess> zookeeper_;
  std::vector<std::unique_ptr<BrokerProcess>> brokers_;
  std::vector<std::string> log_paths_;
};

}  // namespace ringlog::bench
