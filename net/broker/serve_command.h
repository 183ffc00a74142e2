// `ringlog serve`: the broker process. It opens the storage, starts the Kafka listener,
// the group-commit flusher and the housekeeping thread, logs a one-line banner, and runs
// until SIGTERM or SIGINT, then stops in order: no new requests, pending flushes served,
// logs flushed and closed.
//
// The options mirror Kafka's broker configs where Kafka has one (log.segment.bytes ->
// log_segment_bytes); serve_flags.h maps command-line flags onto them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog {

struct ServeOptions {
  // "host:port" ("[v6]:port"; an empty host listens on every address).
  std::string listen = "127.0.0.1:9092";
  // What Metadata tells clients to connect to; empty: the listen host (the machine's name
  // when that listens on every address).
  std::string advertised_host;
  std::string data_dir = "./data";
  std::string backend = "uring";
  bool auto_create_topics_enable = true;
  int32_t num_partitions = 1;
  int64_t log_segment_bytes = 1ll << 30;
  int64_t log_segment_ms = 7ll * 24 * 3600 * 1000;
  int64_t log_retention_ms = 7ll * 24 * 3600 * 1000;
  int64_t log_retention_bytes = -1;
  int64_t log_flush_interval_messages = INT64_MAX;
  int64_t log_flush_interval_ms = INT64_MAX;
  int64_t log_retention_check_interval_ms = 300000;
  int64_t message_max_bytes = 1048588;
  int64_t socket_request_max_bytes = 104857600;
  // queued.max.request.bytes: memory of requests in flight across all connections.
  int64_t queued_max_request_bytes = 512ll << 20;
  int32_t num_network_threads = 0;  // 0: one per core
  bool zero_copy = true;
  bool flush_on_acks_all = true;
  // group.initial.rebalance.delay.ms: how long a new group's first rebalance waits for
  // more members.
  int64_t group_initial_rebalance_delay_ms = 3000;
  // producer.id.expiration.ms: a producer idle this long is forgotten by every partition.
  int64_t producer_id_expiration_ms = 24ll * 3600 * 1000;
  // broker.id: the node id, also of a single broker.
  int32_t broker_id = 0;
  // zookeeper.connect: "host:port[,host:port...][/chroot]". Empty: a single broker, no
  // ZooKeeper; otherwise a member of the cluster registered there.
  std::string zookeeper_connect;
  int32_t zookeeper_session_timeout_ms = 6000;
  // How long start-up tries to reach ZooKeeper; 0: the session timeout (as Kafka).
  int32_t zookeeper_connection_timeout_ms = 0;
  // Cluster mode: default.replication.factor and the offsets topic's replication factor.
  int32_t default_replication_factor = 1;
  int32_t offsets_topic_replication_factor = 1;
  // offsets.topic.num.partitions: the partitions of __consumer_offsets.
  int32_t offsets_topic_num_partitions = 50;
  // Transactions: transaction.state.log.num.partitions, its replication factor (cluster
  // mode), and transaction.max.timeout.ms.
  int32_t transaction_state_log_num_partitions = 50;
  int32_t transaction_state_log_replication_factor = 1;
  int32_t transaction_max_timeout_ms = 900000;
  // Replication (cluster mode): replica.lag.time.max.ms, the broker's min.insync.replicas,
  // and the followers' fetches (replica.fetch.wait.max.ms, replica.fetch.max.bytes,
  // replica.fetch.response.max.bytes).
  int64_t replica_lag_time_max_ms = 30000;
  int32_t min_insync_replicas = 1;
  int32_t replica_fetch_wait_max_ms = 500;
  int32_t replica_fetch_max_bytes = 1 << 20;
  int32_t replica_fetch_response_max_bytes = 10 << 20;
  // controlled.shutdown.enable: on a stop signal, a cluster broker has the controller move
  // its leaderships first, waiting up to controlled_shutdown_timeout_ms for them to move.
  bool controlled_shutdown_enable = true;
  int64_t controlled_shutdown_timeout_ms = 30000;
  // Elections (cluster mode): unclean.leader.election.enable (the topics' default),
  // auto.leader.rebalance.enable, leader.imbalance.check.interval.seconds,
  // leader.imbalance.per.broker.percentage.
  bool unclean_leader_election_enable = false;
  bool auto_leader_rebalance_enable = true;
  int32_t leader_imbalance_check_interval_seconds = 300;
  int32_t leader_imbalance_per_broker_percentage = 10;
  // Where /metrics is served (Prometheus text format): "host:port" (IPv4 or a name), empty:
  // not at all. When the address cannot be listened on, start-up fails if it was asked
  // for (`metrics_listen_required`), else the broker serves without metrics and warns
  // (brokers sharing a machine would otherwise all fail on the default port).
  std::string metrics_listen = "127.0.0.1:9644";
  bool metrics_listen_required = false;
};

// Opens the storage backend named `backend` on `data_dir` (backends/backend_factory.h;
// passed in so that net/ does not depend on the backends).
using BackendOpener = std::function<Result<std::unique_ptr<StorageBackend>>(
    const std::string& backend, const std::string& data_dir)>;

// InvalidArgument naming the first nonsensical option.
Status ValidateServeOptions(const ServeOptions& options);

// Serves until SIGTERM/SIGINT; OK after a clean stop. An error when the options are bad,
// the storage cannot be opened or recovered, or the address cannot be listened on. Blocks
// SIGTERM and SIGINT in the calling thread (and the threads it starts) to wait for them; one
// that comes during start-up, before the listener opens, ends the process at once
// (stop_signals.h).
Status Serve(const ServeOptions& options, const BackendOpener& open_backend);

}  // namespace ringlog
