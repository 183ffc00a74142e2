// What the protocol handlers may use: the broker's configuration and the shared services
// (storage, group commit, fetch wake-ups, the clock). Everything is borrowed from the
// owner of the Broker (serve_command.cc or a test) and outlives every request.
#pragma once

#include <cstdint>
#include <string>

#include "engine/clock.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"

namespace ringlog {

class AdminWorker;
class ClusterView;
class GroupCoordinator;
class LeaderReplicas;
class PartitionWatchers;
class ProduceTxnVerifier;
class ProducerIdAllocator;
class RequestMetrics;
class TransactionCoordinator;

struct BrokerConfig {
  int32_t node_id = 0;
  // The address clients are told to connect to (Metadata, FindCoordinator); clients
  // reconnect to it, so it must be reachable by them.
  std::string advertised_host = "127.0.0.1";
  int32_t advertised_port = 9092;
  std::string cluster_id = "ringlog";
  // auto.create.topics.enable and num.partitions, as Kafka's broker configs.
  bool auto_create_topics_enable = true;
  int32_t num_partitions = 1;
  // acks=all waits for a flush (fdatasync / WAL sync) before answering.
  bool flush_on_acks_all = true;
  // Cluster mode only: default.replication.factor, and the offsets topic's partition count
  // and replication factor (offsets.topic.num.partitions / .replication.factor).
  int16_t default_replication_factor = 1;
  int32_t offsets_topic_num_partitions = 50;
  int16_t offsets_topic_replication_factor = 1;
  // Cluster mode only: __transaction_state's partition count and replication factor
  // (transaction.state.log.num.partitions / .replication.factor).
  int32_t transaction_state_num_partitions = 50;
  int16_t transaction_state_replication_factor = 1;
  // replica.lag.time.max.ms: a follower that has not caught up for this long leaves the ISR.
  int64_t replica_lag_time_max_ms = 30000;
};

struct BrokerServices {
  BrokerConfig config;
  LogManager* logs = nullptr;
  Flusher* flusher = nullptr;
  PartitionWatchers* watchers = nullptr;  // wakes long-polling fetches when data arrives
  GroupCoordinator* groups = nullptr;     // consumer groups and committed offsets
  AdminWorker* admin = nullptr;           // topic changes, off the event loops
  const Clock* clock = nullptr;
  // InitProducerId's producer ids; null: InitProducerId answers COORDINATOR_NOT_AVAILABLE.
  ProducerIdAllocator* producer_ids = nullptr;
  // Transactions (FindCoordinator key type 1, InitProducerId with a transactional id, the
  // transaction APIs); null: they are refused.
  TransactionCoordinator* txns = nullptr;
  // Asks a transaction's coordinator whether a partition is in it before Produce appends
  // the transaction's first batch there (KIP-890 part 1); null: such batches answer
  // NOT_ENOUGH_REPLICAS.
  ProduceTxnVerifier* txn_verifier = nullptr;
  // The cluster this broker belongs to (net/cluster/cluster_view.h); null for the single
  // broker without ZooKeeper.
  ClusterView* cluster = nullptr;
  // The leader side of replication in a cluster (net/replication/leader_replicas.h): replica
  // fetches, the high watermark, acks=all. Null on the single broker.
  LeaderReplicas* replication = nullptr;
  // What the protocol layer counts for /metrics (net/metrics/request_metrics.h); null:
  // nothing is counted.
  RequestMetrics* metrics = nullptr;
};

}  // namespace ringlog
