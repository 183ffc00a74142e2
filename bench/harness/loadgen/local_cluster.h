// LocalCluster: a ringlog cluster on this machine for the suites that measure one: a
// private ZooKeeper (zookeeper_process.h) and `brokers` `ringlog serve` children
// (broker_process.h) with ids 1..brokers, each on a free loopback port with a data
// directory of its own, all under one scratch directory.
//
// Start() returns once every broker is registered and every broker's Metadata names all of
// them and one controller. Stop() (also run by the destructor) sends SIGTERM to every
// broker at once, waits for them, then kills ZooKeeper.
//
// Thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
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

  // "host:port,..." of every broker, for a client's bootstrap.servers.
  std::string bootstrap_servers() const;
  // The broker with node id `id` (1..brokers).
  const BrokerProcess& broker(int32_t id) const {
    return *brokers_.at(static_cast<size_t>(id - 1));
  }

  // Creates `topic` through broker 1 (forwarded to the controller) and waits until
  // WaitForLeaders succeeds; its answer. IOError when the controller refuses the topic.
  Result<std::vector<PartitionMetadata>> CreateTopic(const std::string& topic, int32_t partitions,
                                                     int16_t replication_factor) const;

  // Waits until every broker's Metadata shows all `partitions` of `topic` without error,
  // each with a live leader and the same leader in every answer (a leader answers without
  // error only once it serves the partition). The partitions' metadata as broker 1 then
  // sees it; IOError after `timeout`.
  Result<std::vector<PartitionMetadata>> WaitForLeaders(
      const std::string& topic, int32_t partitions,
      std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

  // Broker 1's Metadata of `topic`, e.g. for its ISR after a run.
  Result<TopicMetadata> DescribeTopic(const std::string& topic) const;

 private:
  LocalCluster() = default;
  Status WaitForCluster(std::chrono::milliseconds timeout) const;
  // Every broker's Metadata answer for `topics`.
  Result<std::vector<MetadataAnswer>> AskEveryBroker(const std::vector<std::string>& topics) const;
  std::string LogPaths() const;

  std::unique_ptr<ZooKeeperProcess> zookeeper_;
  std::vector<std::unique_ptr<BrokerProcess>> brokers_;
  std::vector<std::string> log_paths_;
};

}  // namespace ringlog::bench
