#include "net/broker/serve_command.h"

#include <glog/logging.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/group/offset_store.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/open_files_limit.h"
#include "engine/periodic_task.h"
#include "engine/producer/producer_id_allocator.h"
#include "engine/txn/transaction_coordinator.h"
#include "engine/txn/txn_state_store.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/broker/housekeeper.h"
#include "net/broker/listen_address.h"
#include "net/broker/partition_watchers.h"
#include "net/broker/stop_signals.h"
#include "net/cluster/cluster_member.h"
#include "net/cluster/controlled_shutdown_client.h"
#include "net/cluster/zk_producer_id_blocks.h"
#include "net/metrics/broker_metrics.h"
#include "net/metrics/metrics_server.h"
#include "net/metrics/request_metrics.h"
#include "net/replication/internal_log_replication.h"
#include "net/replication/leader_replicas.h"
#include "net/replication/replica_roles.h"
#include "net/server/server.h"
#include "net/server/server_options.h"
#include "net/txn/broker_txn_marker_writer.h"
#include "net/txn/produce_txn_verifier.h"

namespace ringlog {
namespace {

constexpr int kMaxNetworkThreads = 256;
// How often group sessions and rebalance deadlines are checked.
constexpr std::chrono::milliseconds kGroupTickInterval(50);
// How often the transaction coordinator looks for timed-out transactions and idle ids
// (Kafka checks every 10 s; a shorter pass keeps timeouts close to what producers asked).
constexpr std::chrono::milliseconds kTxnTickInterval(1000);
// How long EndTxn's answer waits for the transaction's markers (milliseconds on one node
// or a healthy cluster) before it goes without them: well inside any client's request
// timeout (30 s and more), plus up to one tick.
constexpr int64_t kEndTxnCompletionWaitMs = 2000;
// How often a cluster broker stores its partitions' high watermarks (Kafka's
// replica.high.watermark.checkpoint.interval.ms).
constexpr std::chrono::milliseconds kHighWatermarkCheckpointInterval(5000);

Status Positive(std::string_view name, int64_t value) {
  if (value > 0) return Status::OK();
  return Status::InvalidArgument(std::string(name) + " must be positive, got " +
                                 std::to_string(value));
}

// Kafka's replication factors are int16.
Status ReplicationFactor(std::string_view name, int32_t value) {
  if (value >= 1 && value <= INT16_MAX) return Status::OK();
  return Status::InvalidArgument(std::string(name) + " must be 1 to 32767, got " +
                                 std::to_string(value));
}

// The broker-wide log defaults; LogOptions::Validate judges the result.
LogOptions ToLogOptions(const ServeOptions& o) {
  LogOptions log;
  log.segment_bytes = static_cast<uint64_t>(o.log_segment_bytes);
  log.segment_ms = o.log_segment_ms;
  log.retention_ms = o.log_retention_ms;
  log.retention_bytes = o.log_retention_bytes;
  log.max_message_bytes = static_cast<uint32_t>(o.message_max_bytes);
  log.flush_interval_messages = o.log_flush_interval_messages;
  log.flush_interval_ms = o.log_flush_interval_ms;
  log.producer_id_expiration_ms = o.producer_id_expiration_ms;
  log.min_insync_replicas = o.min_insync_replicas;
  // A cluster broker's logs are replicated: their high watermark follows the ISR.
  log.replicated = !o.zookeeper_connect.empty();
  return log;
}

std::string AdvertisedHost(const ServeOptions& options, const std::string& listen_host) {
  if (!options.advertised_host.empty()) return options.advertised_host;
  if (!listen_host.empty() && listen_host != "0.0.0.0" && listen_host != "::") {
    return listen_host;
  }
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) == 0 && name[0] != '\0') return name;
  return "localhost";
}

// How often the housekeeping pass runs: the retention check interval, or the flush
// interval when that is shorter, so flush.ms is honoured.
std::chrono::milliseconds HousekeepingInterval(const ServeOptions& o) {
  return std::chrono::milliseconds(
      std::min(o.log_retention_check_interval_ms, o.log_flush_interval_ms));
}

// The member's options: the session, and the controller's defaults for new topics.
ClusterMemberOptions MemberOptions(const ServeOptions& o) {
  ClusterMemberOptions member;
  member.broker_id = o.broker_id;
  member.zookeeper.connect = o.zookeeper_connect;
  member.zookeeper.session_timeout_ms = o.zookeeper_session_timeout_ms;
  member.zookeeper.connection_timeout_ms = o.zookeeper_connection_timeout_ms > 0
                                               ? o.zookeeper_connection_timeout_ms
                                               : o.zookeeper_session_timeout_ms;
  member.controller.default_partitions = o.num_partitions;
  member.controller.default_replication_factor = static_cast<int16_t>(o.default_replication_factor);
  member.controller.log_defaults = ToLogOptions(o);
  member.controller.unclean_leader_election_enable = o.unclean_leader_election_enable;
  member.controller.auto_leader_rebalance_enable = o.auto_leader_rebalance_enable;
  member.controller.leader_imbalance_check_interval_seconds =
      o.leader_imbalance_check_interval_seconds;
  member.controller.leader_imbalance_per_broker_percentage =
      o.leader_imbalance_per_broker_percentage;
  return member;
}

// How a cluster broker's followers fetch from their leaders.
ReplicaFetcherOptions FetcherOptions(const ServeOptions& o) {
  ReplicaFetcherOptions fetcher;
  fetcher.broker_id = o.broker_id;
  fetcher.max_wait_ms = o.replica_fetch_wait_max_ms;
  fetcher.partition_max_bytes = o.replica_fetch_max_bytes;
  fetcher.max_bytes = o.replica_fetch_response_max_bytes;
  return fetcher;
}

// The wait of an internal topic's store for its in-sync replicas in `replicas` (nullptr:
// none, the single broker).
AwaitReplicasFn AwaitThrough(InternalLogReplication* replicas) {
  if (replicas == nullptr) return nullptr;
  return
      [replicas](const std::shared_ptr<PartitionLog>& log, Offset end,
                 std::function<void(Status)> done) { replicas->Await(log, end, std::move(done)); };
}

// The group coordinator over the committed offsets in `logs` (replayed here); in a cluster
// its commits wait for `replicas`.
Result<std::unique_ptr<GroupCoordinator>> OpenGroups(const ServeOptions& o, LogManager* logs,
                                                     Flusher* flusher,
                                                     InternalLogReplication* replicas) {
  OffsetStoreOptions store;
  store.offsets_topic_num_partitions = o.offsets_topic_num_partitions;
  // In a cluster the controller creates the topic, and a broker loads the partitions it
  // leads only (local_replicas.h).
  store.create_topic = o.zookeeper_connect.empty();
  store.await_replicas = AwaitThrough(replicas);
  ASSIGN_OR_RETURN(std::unique_ptr<OffsetStore> offsets,
                   OffsetStore::Open(logs, flusher, SystemClock::Get(), store));
  GroupCoordinatorOptions options;
  options.initial_rebalance_delay_ms = o.group_initial_rebalance_delay_ms;
  return std::make_unique<GroupCoordinator>(std::move(offsets), SystemClock::Get(), options);
}

// The transaction coordinator over __transaction_state in `logs`. The single broker
// coordinates every partition of the topic, with coordinator epoch 0 (no other coordinator
// can write markers meanwhile); in a cluster the local replicas load the partitions this
// broker leads (local_replicas.h).
Result<std::unique_ptr<TransactionCoordinator>> OpenTransactions(
    const ServeOptions& o, LogManager* logs, Flusher* flusher, ProducerIdAllocator* ids,
    TxnMarkerWriter* markers, GroupCoordinator* groups, InternalLogReplication* replicas) {
  const bool single = o.zookeeper_connect.empty();
  TxnStateStoreOptions store;
  store.num_partitions = o.transaction_state_log_num_partitions;
  store.create_topic = single;
  store.await_replicas = AwaitThrough(replicas);
  ASSIGN_OR_RETURN(std::unique_ptr<TxnStateStore> states,
                   TxnStateStore::Open(logs, flusher, SystemClock::Get(), store));
  TransactionCoordinatorOptions options;
  options.max_transaction_timeout_ms = o.transaction_max_timeout_ms;
  options.end_txn_completion_wait_ms = kEndTxnCompletionWaitMs;
  auto txns = std::make_unique<TransactionCoordinator>(
      std::move(states), ids, markers,
      [groups](std::string_view group) { return groups->PartitionFor(group); }, SystemClock::Get(),
      options);
  if (single) {
    for (int32_t p = 0; p < txns->num_partitions(); ++p) {
      RETURN_IF_ERROR(txns->LoadPartition(p, /*coordinator_epoch=*/0));
    }
  }
  return txns;
}

// Has the controller move this broker's leaderships to other in-sync replicas while it
// still serves (controlled_shutdown_client.h); a shutdown that cannot finish in time stops
// anyway, and so does one the operator will not wait for (a second stop signal).
void ShutDownControlled(ClusterMember& member, const ServeOptions& options,
                        const StopSignals& signals) {
  ControlledShutdownOptions shutdown;
  shutdown.broker_id = options.broker_id;
  shutdown.timeout = std::chrono::milliseconds(options.controlled_shutdown_timeout_ms);
  shutdown.give_up = [&signals] { return signals.Repeated(); };
  const Status moved = RunControlledShutdown(member, member.zk_source(), shutdown);
  if (!moved.ok()) {
    LOG(WARNING) << "controlled shutdown of broker " << options.broker_id
                 << " did not finish: " << moved.ToString() << "; stopping anyway";
  }
}

// Starts serving /metrics where the options say. A listener that cannot start is an
// error only when the address was asked for (ServeOptions::metrics_listen_required).
Status StartMetrics(const ServeOptions& options, MetricsServer* server) {
  if (options.metrics_listen.empty()) return Status::OK();
  ASSIGN_OR_RETURN(ListenAddress address, ParseListenAddress(options.metrics_listen));
  Status started = server->Start(address.host, address.port);
  if (!started.ok()) {
    if (options.metrics_listen_required) return started;
    LOG(WARNING) << started.ToString() << "; serving without /metrics";
    return Status::OK();
  }
  LOG(INFO) << "metrics on http://" << (address.host.empty() ? "*" : address.host) << ":"
            << server->bound_port() << "/metrics";
  return Status::OK();
}

// Everything that runs while serving, in construction order; destroyed in reverse.
Status RunBroker(const ServeOptions& options, const ListenAddress& listen, StorageBackend* backend,
                 StopSignals* signals) {
  ASSIGN_OR_RETURN(std::unique_ptr<LogManager> logs,
                   LogManager::Open(backend, ToLogOptions(options), SystemClock::Get()));
  const int threads = options.num_network_threads > 0
                          ? options.num_network_threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  auto flusher = std::make_unique<Flusher>(threads);
  // In a cluster the internal topics' wait for their ISR: attached once the replication
  // exists, detached before it goes, and destroyed after the stores that hold it.
  const bool clustered = !options.zookeeper_connect.empty();
  InternalLogReplication internal_replicas;
  InternalLogReplication* replicas = clustered ? &internal_replicas : nullptr;
  Result<std::unique_ptr<GroupCoordinator>> opened =
      OpenGroups(options, logs.get(), flusher.get(), replicas);
  if (!opened.ok()) {
    logs->Close().IgnoreError();  // the offsets error is the one to report
    return opened.status();
  }
  std::unique_ptr<GroupCoordinator> groups = std::move(*opened);
  // Cluster mode: the member lives until everything that uses it has stopped.
  std::unique_ptr<ClusterMember> member;
  if (clustered) {
    Result<std::unique_ptr<ClusterMember>> joined =
        ClusterMember::Open(MemberOptions(options), backend, logs.get());
    if (!joined.ok()) {
      groups.reset();
      logs->Close().IgnoreError();  // the ZooKeeper error is the one to report
      return joined.status();
    }
    member = std::move(*joined);
  }
  // A cluster's brokers take their producer id blocks from ZooKeeper, so that no two of them
  // hand out the same id.
  Result<std::unique_ptr<ProducerIdAllocator>> producer_ids =
      member != nullptr
          ? std::make_unique<ProducerIdAllocator>(
                std::make_unique<ZkProducerIdBlocks>(member->zk_source(), options.broker_id))
          : ProducerIdAllocator::Open(backend);
  if (!producer_ids.ok()) {
    member.reset();
    groups.reset();
    logs->Close().IgnoreError();  // the producer id error is the one to report
    return producer_ids.status();
  }
  // Declared after what its tasks use, so that it stops before they go.
  AdminWorker admin;
  PartitionWatchers watchers;
  BrokerServices services;
  services.config.node_id = options.broker_id;
  services.config.default_replication_factor =
      static_cast<int16_t>(options.default_replication_factor);
  services.config.offsets_topic_num_partitions = options.offsets_topic_num_partitions;
  services.config.transaction_state_num_partitions = options.transaction_state_log_num_partitions;
  services.config.transaction_state_replication_factor =
      static_cast<int16_t>(options.transaction_state_log_replication_factor);
  services.config.offsets_topic_replication_factor =
      static_cast<int16_t>(options.offsets_topic_replication_factor);
  services.config.advertised_host = AdvertisedHost(options, listen.host);
  services.config.advertised_port = listen.port;
  services.config.auto_create_topics_enable = options.auto_create_topics_enable;
  services.config.num_partitions = options.num_partitions;
  services.config.flush_on_acks_all = options.flush_on_acks_all;
  services.logs = logs.get();
  services.flusher = flusher.get();
  services.watchers = &watchers;
  services.groups = groups.get();
  services.admin = &admin;
  services.producer_ids = producer_ids->get();
  services.clock = SystemClock::Get();
  services.config.replica_lag_time_max_ms = options.replica_lag_time_max_ms;
  // Cluster mode: the leader's side of replication and the roles (with the followers'
  // fetchers) that each snapshot gives the local replicas.
  std::unique_ptr<LeaderReplicas> replication;
  std::unique_ptr<ReplicaRoles> roles;
  if (member != nullptr) {
    services.config.cluster_id = member->cluster_id();
    services.cluster = member.get();
    LeaderReplicasOptions leader_options;
    leader_options.broker_id = options.broker_id;
    leader_options.replica_lag_time_max_ms = options.replica_lag_time_max_ms;
    replication = MakeLeaderReplicas(leader_options, SystemClock::Get(), member.get(), &watchers);
    roles = std::make_unique<ReplicaRoles>(FetcherOptions(options), logs.get(), replication.get());
    services.replication = replication.get();
    internal_replicas.Attach(replication.get(), &watchers);
  }
  // Transactions: the markers go out through the services set above.
  auto markers = std::make_unique<BrokerTxnMarkerWriter>(&services);
  Result<std::unique_ptr<TransactionCoordinator>> opened_txns =
      OpenTransactions(options, logs.get(), flusher.get(), producer_ids->get(), markers.get(),
                       groups.get(), replicas);
  if (!opened_txns.ok()) {
    markers.reset();
    groups.reset();
    logs->Close().IgnoreError();  // the transaction log's error is the one to report
    return opened_txns.status();
  }
  std::unique_ptr<TransactionCoordinator> txns = std::move(*opened_txns);
  services.txns = txns.get();
  RequestMetrics request_metrics;
  services.metrics = &request_metrics;
  ProduceTxnVerifier txn_verifier(&services);
  services.txn_verifier = &txn_verifier;
  Broker broker(&services);

  ServerOptions server_options;
  server_options.host = listen.host;
  server_options.port = listen.port;
  server_options.num_loops = threads;
  server_options.max_request_bytes = static_cast<int32_t>(options.socket_request_max_bytes);
  server_options.queued_max_request_bytes = static_cast<uint64_t>(options.queued_max_request_bytes);
  server_options.zero_copy = options.zero_copy;
  Server server(server_options, &broker);
  signals->StartupDone();
  if (Status started = server.Start(); !started.ok()) {
    markers->Stop();
    flusher.reset();
    txns.reset();                 // it holds the transaction log
    groups.reset();               // it holds the offsets log
    logs->Close().IgnoreError();  // the listen error is the one to report
    return started;
  }
  // With port 0 the server picked one; no client can know it before the banner below, so
  // nothing reads the config yet.
  if (listen.port == 0) services.config.advertised_port = server.bound_port();
  if (member != nullptr) {
    Status joined = member->Join(services.config.advertised_host, services.config.advertised_port,
                                 &admin, groups.get(), roles.get(), txns.get());
    if (!joined.ok()) {
      server.Stop();
      member->Close();
      admin.Stop();
      markers->Stop();
      roles->Stop();
      flusher.reset();
      txns.reset();
      groups.reset();
      logs->Close().IgnoreError();  // the registration error is the one to report
      return joined;
    }
  }
  // Stopped (by its destructor) before the services it reads go.
  MetricsServer metrics_server(
      [&services, &request_metrics] { return RenderBrokerMetrics(services, &request_metrics); });
  if (Status serving = StartMetrics(options, &metrics_server); !serving.ok()) {
    server.Stop();
    if (member != nullptr) member->Close();
    admin.Stop();
    markers->Stop();
    if (roles != nullptr) roles->Stop();
    flusher.reset();
    txns.reset();
    groups.reset();
    logs->Close().IgnoreError();  // the metrics listener's error is the one to report
    return serving;
  }
  Housekeeper housekeeper(logs.get(), HousekeepingInterval(options));
  housekeeper.Start();
  PeriodicTask group_timer(kGroupTickInterval, [&groups] { groups->Tick(); });
  group_timer.Start();
  PeriodicTask txn_timer(kTxnTickInterval, [&txns] { txns->Tick(); });
  txn_timer.Start();
  PeriodicTask checkpoints(kHighWatermarkCheckpointInterval, [&logs] {
    if (Status stored = logs->CheckpointHighWatermarks(); !stored.ok()) {
      LOG(WARNING) << "cannot store the high watermarks: " << stored.ToString();
    }
  });
  if (member != nullptr) checkpoints.Start();
  LOG(INFO) << "ringlog serving on " << (listen.host.empty() ? "*" : listen.host) << ":"
            << server.bound_port() << " (advertised as " << services.config.advertised_host << ":"
            << services.config.advertised_port << "), backend " << options.backend << ", data dir "
            << options.data_dir << ", " << threads << " network threads";
  if (member != nullptr) {
    LOG(INFO) << "cluster mode: broker id " << options.broker_id << " of cluster "
              << member->cluster_id() << ", ZooKeeper at " << options.zookeeper_connect;
  } else {
    LOG(INFO) << "single node: broker id " << options.broker_id << ", no ZooKeeper";
  }

  const int signal_number = signals->WaitForStop();
  LOG(INFO) << "received " << strsignal(signal_number) << ", stopping";
  if (member != nullptr && options.controlled_shutdown_enable) {
    ShutDownControlled(*member, options, *signals);
  }
  server.Stop();
  metrics_server.Stop();  // scrapes read what is torn down below
  // Verifications in flight append nothing once the logs close.
  txn_verifier.Stop();
  // The registration (and /controller, if held) go at once, so that the cluster moves on
  // without waiting for the session to time out.
  if (member != nullptr) member->Close();
  admin.Stop();  // a topic change in progress completes; queued ones are dropped
  txn_timer.Stop();
  // Markers not yet written are dropped: the coordinator that loads their state partition
  // next writes them again.
  markers->Stop();
  // The followers stop writing before the logs close.
  if (roles != nullptr) roles->Stop();
  internal_replicas.Detach();
  replication.reset();  // its thread ends before the logs close
  group_timer.Stop();
  checkpoints.Stop();
  housekeeper.Stop();
  flusher.reset();  // serves the flushes still pending
  txns.reset();     // releases the transaction log before the logs close
  markers.reset();
  groups.reset();  // releases the offsets log before the logs close
  RETURN_IF_ERROR(logs->Close());
  LOG(INFO) << "ringlog stopped cleanly";
  return Status::OK();
}

}  // namespace

Status ValidateServeOptions(const ServeOptions& o) {
  RETURN_IF_ERROR(ParseListenAddress(o.listen).status());
  if (o.data_dir.empty()) return Status::InvalidArgument("data_dir must not be empty");
  if (!o.metrics_listen.empty()) {
    RETURN_IF_ERROR(ParseListenAddress(o.metrics_listen).status().WithContext("metrics_listen"));
  }
  RETURN_IF_ERROR(ValidatePartitionCount(o.num_partitions).WithContext("num_partitions"));
  RETURN_IF_ERROR(Positive("log_segment_bytes", o.log_segment_bytes));
  RETURN_IF_ERROR(Positive("log_flush_interval_messages", o.log_flush_interval_messages));
  RETURN_IF_ERROR(Positive("log_flush_interval_ms", o.log_flush_interval_ms));
  RETURN_IF_ERROR(Positive("log_retention_check_interval_ms", o.log_retention_check_interval_ms));
  RETURN_IF_ERROR(Positive("socket_request_max_bytes", o.socket_request_max_bytes));
  if (o.socket_request_max_bytes > INT32_MAX) {
    return Status::InvalidArgument("socket_request_max_bytes must fit 31 bits");
  }
  if (o.queued_max_request_bytes < static_cast<int64_t>(kMinQueuedRequestBytes)) {
    return Status::InvalidArgument("queued_max_request_bytes must be at least " +
                                   std::to_string(kMinQueuedRequestBytes) + ", got " +
                                   std::to_string(o.queued_max_request_bytes));
  }
  if (o.message_max_bytes <= 0 || o.message_max_bytes > INT32_MAX) {
    return Status::InvalidArgument("message_max_bytes must be 1 to 2147483647, got " +
                                   std::to_string(o.message_max_bytes));
  }
  if (o.group_initial_rebalance_delay_ms < 0) {
    return Status::InvalidArgument("group_initial_rebalance_delay_ms must be 0 or more");
  }
  if (o.num_network_threads < 0 || o.num_network_threads > kMaxNetworkThreads) {
    return Status::InvalidArgument("num_network_threads must be 0 (one per core) to " +
                                   std::to_string(kMaxNetworkThreads));
  }
  if (o.broker_id < 0) {
    return Status::InvalidArgument("broker_id must be 0 or more, got " +
                                   std::to_string(o.broker_id));
  }
  RETURN_IF_ERROR(Positive("zookeeper_session_timeout_ms", o.zookeeper_session_timeout_ms));
  if (o.zookeeper_connection_timeout_ms < 0) {
    return Status::InvalidArgument(
        "zookeeper_connection_timeout_ms must be 0 (the session timeout) or more, got " +
        std::to_string(o.zookeeper_connection_timeout_ms));
  }
  RETURN_IF_ERROR(ReplicationFactor("default_replication_factor", o.default_replication_factor));
  RETURN_IF_ERROR(Positive("replica_lag_time_max_ms", o.replica_lag_time_max_ms));
  RETURN_IF_ERROR(Positive("leader_imbalance_check_interval_seconds",
                           o.leader_imbalance_check_interval_seconds));
  if (o.leader_imbalance_per_broker_percentage < 0 ||
      o.leader_imbalance_per_broker_percentage > 100) {
    return Status::InvalidArgument("leader_imbalance_per_broker_percentage must be 0 to 100, got " +
                                   std::to_string(o.leader_imbalance_per_broker_percentage));
  }
  RETURN_IF_ERROR(Positive("min_insync_replicas", o.min_insync_replicas));
  RETURN_IF_ERROR(Positive("replica_fetch_max_bytes", o.replica_fetch_max_bytes));
  RETURN_IF_ERROR(Positive("replica_fetch_response_max_bytes", o.replica_fetch_response_max_bytes));
  if (o.controlled_shutdown_timeout_ms < 0) {
    return Status::InvalidArgument("controlled_shutdown_timeout_ms must be 0 or more, got " +
                                   std::to_string(o.controlled_shutdown_timeout_ms));
  }
  if (o.replica_fetch_wait_max_ms < 0) {
    return Status::InvalidArgument("replica_fetch_wait_max_ms must be 0 or more, got " +
                                   std::to_string(o.replica_fetch_wait_max_ms));
  }
  RETURN_IF_ERROR(
      ReplicationFactor("offsets_topic_replication_factor", o.offsets_topic_replication_factor));
  RETURN_IF_ERROR(ValidatePartitionCount(o.offsets_topic_num_partitions)
                      .WithContext("offsets_topic_num_partitions"));
  RETURN_IF_ERROR(ReplicationFactor("transaction_state_log_replication_factor",
                                    o.transaction_state_log_replication_factor));
  RETURN_IF_ERROR(ValidatePartitionCount(o.transaction_state_log_num_partitions)
                      .WithContext("transaction_state_log_num_partitions"));
  RETURN_IF_ERROR(Positive("transaction_max_timeout_ms", o.transaction_max_timeout_ms));
  return ToLogOptions(o).Validate();
}

Status Serve(const ServeOptions& options, const BackendOpener& open_backend) {
  RETURN_IF_ERROR(ValidateServeOptions(options));
  ASSIGN_OR_RETURN(ListenAddress listen, ParseListenAddress(options.listen));
  StopSignals signals;
  // A client that disconnects mid-response must not kill the process.
  signal(SIGPIPE, SIG_IGN);
  // Before the backend opens: it sizes its descriptor cache from the limit.
  if (Result<OpenFilesLimit> limit = RaiseOpenFilesLimit(); limit.ok()) {
    LOG(INFO) << "open-files limit " << limit->soft << " (hard limit " << limit->hard << ")";
  } else {
    LOG(WARNING) << limit.status().ToString() << "; open-files limit stays "
                 << CurrentOpenFilesLimit().soft;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<StorageBackend> backend,
                   open_backend(options.backend, options.data_dir));
  return RunBroker(options, listen, backend.get(), &signals);
}

}  // namespace ringlog
