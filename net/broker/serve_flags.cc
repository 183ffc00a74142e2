#include "net/broker/serve_flags.h"

#include <cstdint>
#include <utility>

// Names follow Kafka's broker configs (log.segment.bytes -> log_segment_bytes).
DEFINE_string(listen, "127.0.0.1:9092", "host:port to accept Kafka clients on (:port: all)");
DEFINE_string(advertised_host, "", "host clients are told to connect to; default: --listen's");
DEFINE_string(data_dir, "./data", "directory holding all topic data");
DEFINE_string(backend, "uring", "storage backend: uring (segment files) or rocksdb");
DEFINE_string(config, "",
              "a Kafka server.properties file whose settings are the defaults of these flags "
              "(flags given here win); empty: none");
DEFINE_bool(auto_create_topics_enable, true, "create unknown topics on Metadata/Produce");
DEFINE_int32(num_partitions, 1, "partitions of an auto-created topic");
DEFINE_int64(log_segment_bytes, 1073741824, "roll a segment before it grows past this");
DEFINE_int64(log_segment_ms, 604800000, "roll a segment once it is this old");
DEFINE_int64(log_retention_ms, 604800000, "delete segments older than this; -1: never");
DEFINE_int64(log_retention_bytes, -1, "delete oldest segments above this size; -1: never");
DEFINE_int64(log_flush_interval_messages, INT64_MAX, "flush after this many messages");
DEFINE_int64(log_flush_interval_ms, INT64_MAX, "flush data older than this");
DEFINE_int64(log_retention_check_interval_ms, 300000, "how often retention runs");
DEFINE_int64(message_max_bytes, 1048588, "largest record batch accepted");
DEFINE_int64(socket_request_max_bytes, 104857600, "largest request accepted");
DEFINE_int64(queued_max_request_bytes, 536870912,
             "memory requests in flight may hold across connections; reading pauses when full");
DEFINE_int32(num_network_threads, 0, "event-loop threads; 0: one per core");
DEFINE_bool(zero_copy, true, "send fetched file data with splice; false copies it");
DEFINE_bool(flush_on_acks_all, true, "acks=all answers after the data is flushed");
DEFINE_int64(group_initial_rebalance_delay_ms, 3000,
             "how long a new consumer group's first rebalance waits for more members");
DEFINE_int64(producer_id_expiration_ms, 86400000,
             "forget an idempotent producer idle this long; its next batch starts over");
DEFINE_int32(broker_id, 0, "this broker's id in its cluster (the node id of a single broker)");
DEFINE_string(zookeeper_connect, "",
              "host:port[,host:port...][/chroot] of the ZooKeeper ensemble of the cluster; "
              "empty: a single broker without ZooKeeper");
DEFINE_int32(zookeeper_session_timeout_ms, 6000,
             "ZooKeeper session timeout: how soon a stopped broker is taken for dead");
DEFINE_int32(zookeeper_connection_timeout_ms, 0,
             "how long to try to reach ZooKeeper at start before giving up; 0: the session "
             "timeout");
DEFINE_int32(default_replication_factor, 1,
             "replicas of a topic created without a replication factor (cluster mode)");
DEFINE_int32(offsets_topic_num_partitions, 50, "partitions of __consumer_offsets");
DEFINE_int32(offsets_topic_replication_factor, 1,
             "replicas of each __consumer_offsets partition (cluster mode)");
DEFINE_int32(transaction_state_log_num_partitions, 50, "partitions of __transaction_state");
DEFINE_int32(transaction_state_log_replication_factor, 1,
             "replicas of each __transaction_state partition (cluster mode)");
DEFINE_int32(transaction_max_timeout_ms, 900000,
             "the largest transaction.timeout.ms a transactional producer may ask for");
DEFINE_int64(replica_lag_time_max_ms, 30000,
             "a follower not caught up with its leader for this long leaves the ISR");
DEFINE_int32(min_insync_replicas, 1,
             "in-sync replicas an acks=all produce needs (topic config min.insync.replicas)");
DEFINE_int32(replica_fetch_wait_max_ms, 500, "how long a follower's fetch waits for data");
DEFINE_int32(replica_fetch_max_bytes, 1048576, "bytes a follower fetches per partition");
DEFINE_int32(replica_fetch_response_max_bytes, 10485760,
             "bytes a follower fetches per request, over all partitions");
DEFINE_bool(controlled_shutdown_enable, true,
            "cluster mode: on SIGTERM/SIGINT, have the controller move this broker's "
            "leaderships to other in-sync replicas before stopping");
DEFINE_int64(controlled_shutdown_timeout_ms, 30000,
             "how long a controlled shutdown waits for the leaderships to move");
DEFINE_bool(unclean_leader_election_enable, false,
            "topics' default: with no live ISR member, a replica out of the ISR may lead "
            "(acknowledged records may be lost)");
DEFINE_bool(auto_leader_rebalance_enable, true,
            "the controller moves leadership back to each partition's preferred replica");
DEFINE_int32(leader_imbalance_check_interval_seconds, 300,
             "how often the controller checks the preferred leaders");
DEFINE_int32(leader_imbalance_per_broker_percentage, 10,
             "share of a broker's preferred partitions led by others above which they move back");
DEFINE_string(metrics_listen, "127.0.0.1:9644",
              "host:port serving /metrics for Prometheus; empty: no metrics endpoint");

namespace ringlog {

ServeOptions ServeOptionsFromFlags() {
  ServeOptions o;
  o.listen = FLAGS_listen;
  o.advertised_host = FLAGS_advertised_host;
  o.data_dir = FLAGS_data_dir;
  o.backend = FLAGS_backend;
  o.auto_create_topics_enable = FLAGS_auto_create_topics_enable;
  o.num_partitions = FLAGS_num_partitions;
  o.log_segment_bytes = FLAGS_log_segment_bytes;
  o.log_segment_ms = FLAGS_log_segment_ms;
  o.log_retention_ms = FLAGS_log_retention_ms;
  o.log_retention_bytes = FLAGS_log_retention_bytes;
  o.log_flush_interval_messages = FLAGS_log_flush_interval_messages;
  o.log_flush_interval_ms = FLAGS_log_flush_interval_ms;
  o.log_retention_check_interval_ms = FLAGS_log_retention_check_interval_ms;
  o.message_max_bytes = FLAGS_message_max_bytes;
  o.socket_request_max_bytes = FLAGS_socket_request_max_bytes;
  o.queued_max_request_bytes = FLAGS_queued_max_request_bytes;
  o.num_network_threads = FLAGS_num_network_threads;
  o.zero_copy = FLAGS_zero_copy;
  o.flush_on_acks_all = FLAGS_flush_on_acks_all;
  o.group_initial_rebalance_delay_ms = FLAGS_group_initial_rebalance_delay_ms;
  o.producer_id_expiration_ms = FLAGS_producer_id_expiration_ms;
  o.broker_id = FLAGS_broker_id;
  o.zookeeper_connect = FLAGS_zookeeper_connect;
  o.zookeeper_session_timeout_ms = FLAGS_zookeeper_session_timeout_ms;
  o.zookeeper_connection_timeout_ms = FLAGS_zookeeper_connection_timeout_ms;
  o.default_replication_factor = FLAGS_default_replication_factor;
  o.offsets_topic_num_partitions = FLAGS_offsets_topic_num_partitions;
  o.offsets_topic_replication_factor = FLAGS_offsets_topic_replication_factor;
  o.transaction_state_log_num_partitions = FLAGS_transaction_state_log_num_partitions;
  o.transaction_state_log_replication_factor = FLAGS_transaction_state_log_replication_factor;
  o.transaction_max_timeout_ms = FLAGS_transaction_max_timeout_ms;
  o.replica_lag_time_max_ms = FLAGS_replica_lag_time_max_ms;
  o.min_insync_replicas = FLAGS_min_insync_replicas;
  o.replica_fetch_wait_max_ms = FLAGS_replica_fetch_wait_max_ms;
  o.replica_fetch_max_bytes = FLAGS_replica_fetch_max_bytes;
  o.replica_fetch_response_max_bytes = FLAGS_replica_fetch_response_max_bytes;
  o.controlled_shutdown_enable = FLAGS_controlled_shutdown_enable;
  o.controlled_shutdown_timeout_ms = FLAGS_controlled_shutdown_timeout_ms;
  o.unclean_leader_election_enable = FLAGS_unclean_leader_election_enable;
  o.auto_leader_rebalance_enable = FLAGS_auto_leader_rebalance_enable;
  o.leader_imbalance_check_interval_seconds = FLAGS_leader_imbalance_check_interval_seconds;
  o.leader_imbalance_per_broker_percentage = FLAGS_leader_imbalance_per_broker_percentage;
  o.metrics_listen = FLAGS_metrics_listen;
  o.metrics_listen_required = !gflags::GetCommandLineFlagInfoOrDie("metrics_listen").is_default;
  return o;
}

std::vector<gflags::CommandLineFlagInfo> ServeFlags() {
  std::vector<gflags::CommandLineFlagInfo> all;
  gflags::GetAllFlags(&all);  // by defining file, then by name
  std::vector<gflags::CommandLineFlagInfo> mine;
  for (gflags::CommandLineFlagInfo& flag : all) {
    // The same spelling of this file's path as gflags recorded at each DEFINE above.
    if (flag.filename == __FILE__) mine.push_back(std::move(flag));
  }
  return mine;
}

}  // namespace ringlog
