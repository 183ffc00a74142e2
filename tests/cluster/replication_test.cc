// Followers against real leaders: in-process brokers wired as `ringlog serve` wires them
// (storage, the Kafka server on loopback, LeaderReplicas, ReplicaRoles and their fetchers).
// Roles come from a real ZooKeeper and controller (a follower catches up byte for byte), or
// from snapshots the test writes, where it needs leader changes at chosen moments (a
// follower truncates what its new leader never had; an empty follower re-replicates from
// the leader's log start).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/group/offset_store.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/broker/partition_watchers.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/cluster_member.h"
#include "net/replication/leader_replicas.h"
#include "net/replication/replica_roles.h"
#include "net/server/server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"
#include "tests/support/zookeeper_server.h"

namespace ringlog::testing {
namespace {

using std::chrono::milliseconds;

// Polls `done` until it holds or 15 s pass.
template <typename F>
bool Eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return done();
}

// A ClusterView whose snapshot the test sets; it leads what the snapshot says once the
// roles have assigned the epoch.
class ScriptedView final : public ClusterView {
 public:
  ScriptedView(int32_t self, const ringlog::ReplicaRoles* const* roles)
      : self_(self), roles_(roles) {}

  void Set(const ClusterSnapshot& snapshot) {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_ = std::make_shared<ClusterSnapshot>(snapshot);
  }
  std::shared_ptr<const ClusterSnapshot> Snapshot() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return snapshot_;
  }
  bool Leads(const PartitionId& p) const override {
    const ClusterPartition* found = Snapshot()->FindPartition(p.topic, p.partition);
    return found != nullptr && found->state.leader == self_ && *roles_ != nullptr &&
           (*roles_)->Leading(p);
  }
  ClusterAdmin* admin() override { return nullptr; }
  Result<std::string> ForwardToController(std::string_view, milliseconds) override {
    return Status::Busy("no controller in this test");
  }
  bool WaitForSnapshot(const std::function<bool(const ClusterSnapshot&)>& ready,
                       milliseconds) override {
    return ready(*Snapshot());
  }

 private:
  const int32_t self_;
  const ringlog::ReplicaRoles* const* roles_;
  mutable std::mutex mu_;
  std::shared_ptr<const ClusterSnapshot> snapshot_ = std::make_shared<ClusterSnapshot>();
};

// One broker, as `ringlog serve` wires it in cluster mode.
class Node {
 public:
  Node(int32_t id, std::string data_dir) : id_(id), data_dir_(std::move(data_dir)) {}
  ~Node() { Stop(); }

  // Opens the storage and serves on a loopback port. Roles come from ZooKeeper at
  // `zookeeper` (JoinZooKeeper next), or from Apply when it is empty.
  Status Start(const std::string& zookeeper) {
    ASSIGN_OR_RETURN(backend_, OpenTestBackend("mem", data_dir_));
    LogOptions defaults;
    defaults.replicated = true;
    ASSIGN_OR_RETURN(logs_, LogManager::Open(backend_.get(), defaults, SystemClock::Get()));
    flusher_ = std::make_unique<Flusher>(1);
    OffsetStoreOptions store;
    store.create_topic = false;
    ASSIGN_OR_RETURN(std::unique_ptr<OffsetStore> offsets,
                     OffsetStore::Open(logs_.get(), flusher_.get(), SystemClock::Get(), store));
    groups_ = std::make_unique<GroupCoordinator>(std::move(offsets), SystemClock::Get(),
                                                 GroupCoordinatorOptions());
    ClusterView* view = nullptr;
    if (zookeeper.empty()) {
      scripted_ = std::make_unique<ScriptedView>(id_, &roles_raw_);
      view = scripted_.get();
    } else {
      ClusterMemberOptions options;
      options.broker_id = id_;
      options.zookeeper.connect = zookeeper;
      options.zookeeper.session_timeout_ms = 4000;
      options.zookeeper.connection_timeout_ms = 5000;
      ASSIGN_OR_RETURN(member_, ClusterMember::Open(options, backend_.get(), logs_.get()));
      view = member_.get();
    }
    admin_ = std::make_unique<AdminWorker>();
    LeaderReplicasOptions leader_options;
    leader_options.broker_id = id_;
    replication_ = MakeLeaderReplicas(leader_options, SystemClock::Get(), view, &watchers_);
    ReplicaFetcherOptions fetcher;
    fetcher.broker_id = id_;
    fetcher.max_wait_ms = 100;
    roles_ = std::make_unique<ringlog::ReplicaRoles>(fetcher, logs_.get(), replication_.get());
    roles_raw_ = roles_.get();

    services_.config.node_id = id_;
    services_.logs = logs_.get();
    services_.flusher = flusher_.get();
    services_.watchers = &watchers_;
    services_.groups = groups_.get();
    services_.admin = admin_.get();
    services_.clock = SystemClock::Get();
    services_.cluster = view;
    services_.replication = replication_.get();
    broker_ = std::make_unique<Broker>(&services_);
    ServerOptions server;
    server.host = "127.0.0.1";
    server.port = 0;
    server.num_loops = 1;
    server_ = std::make_unique<Server>(server, broker_.get());
    RETURN_IF_ERROR(server_->Start());
    services_.config.advertised_port = server_->bound_port();
    if (member_ != nullptr) {
      RETURN_IF_ERROR(
          member_->Join("127.0.0.1", port(), admin_.get(), groups_.get(), roles_.get()));
    }
    return Status::OK();
  }

  // Scripted roles: the snapshot the broker's view shows, then the roles it gives.
  void Apply(const ClusterSnapshot& snapshot) {
    scripted_->Set(snapshot);
    roles_->Apply(snapshot);
  }

  void Stop() {
    if (server_ != nullptr) server_->Stop();
    if (member_ != nullptr) member_->Close();
    if (admin_ != nullptr) admin_->Stop();
    if (roles_ != nullptr) roles_->Stop();
    roles_raw_ = nullptr;
    roles_.reset();
    replication_.reset();
    server_.reset();
    broker_.reset();
    member_.reset();
    groups_.reset();
    flusher_.reset();
    if (logs_ != nullptr) logs_->Close().IgnoreError();
    logs_.reset();
    admin_.reset();
    backend_.reset();
  }

  // Appends `count` batches of 3 records to `partition`, which this broker leads.
  void Write(const PartitionId& partition, int count, const std::string& tag) {
    std::shared_ptr<PartitionLog> log = Log(partition);
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < count; ++i) {
      std::vector<RecordData> records;
      for (int r = 0; r < 3; ++r) {
        std::ostringstream value;
        value << tag << "-" << i << "-" << r;
        records.push_back(
            RecordData{std::string(1, static_cast<char>('a' + r)), value.str(), 1000 + i, {}});
      }
      std::string batch = BuildRecordBatch(records);
      Result<AppendResult> appended =
          log->Append(std::span<uint8_t>(reinterpret_cast<uint8_t*>(batch.data()), batch.size()));
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
      replication_->OnLeaderWrite(partition);
    }
  }

  std::shared_ptr<PartitionLog> Log(const PartitionId& partition) const {
    return logs_->GetPartition(partition);
  }
  int32_t id() const { return id_; }
  int32_t port() const { return server_->bound_port(); }
  LogManager& logs() { return *logs_; }
  LeaderReplicas& replication() { return *replication_; }
  ClusterMember& member() { return *member_; }

 private:
  const int32_t id_;
  const std::string data_dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<Flusher> flusher_;
  std::unique_ptr<GroupCoordinator> groups_;
  std::unique_ptr<AdminWorker> admin_;
  std::unique_ptr<ClusterMember> member_;
  std::unique_ptr<ScriptedView> scripted_;
  PartitionWatchers watchers_;
  std::unique_ptr<LeaderReplicas> replication_;
  std::unique_ptr<ringlog::ReplicaRoles> roles_;
  const ringlog::ReplicaRoles* roles_raw_ = nullptr;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
};

// Every batch of `log` from its start to its end, as stored.
std::string LogBytes(const PartitionLog& log) {
  std::string out;
  Offset at = log.log_start_offset();
  while (at < log.log_end_offset()) {
    Result<ReadResult> read = log.Read(at, 1 << 20, ReadBound::kLogEnd);
    if (!read.ok() || read->empty()) break;
    Result<std::string> bytes = CopyReadBytes(*read);
    if (!bytes.ok()) break;
    out += *bytes;
    at = read->next_offset;
  }
  return out;
}

// Whether `follower` holds exactly the batches `leader` holds, and its high watermark.
bool SameReplica(const PartitionLog& leader, const PartitionLog& follower) {
  return follower.log_end_offset() == leader.log_end_offset() &&
         follower.log_start_offset() == leader.log_start_offset() &&
         follower.high_watermark() == leader.high_watermark() &&
         follower.latest_epoch() == leader.latest_epoch() && LogBytes(follower) == LogBytes(leader);
}

// Brokers `nodes` live; topic "t" of one partition on replicas `replicas`.
ClusterSnapshot Scripted(const std::vector<const Node*>& nodes, std::vector<int32_t> replicas,
                         int32_t leader, int32_t epoch, std::vector<int32_t> isr) {
  ClusterSnapshot s;
  s.cluster_id = "scripted";
  for (const Node* node : nodes) s.brokers[node->id()] = {node->id(), "127.0.0.1", node->port()};
  ClusterTopic& topic = s.topics["t"];
  topic.id.bytes.fill(7);
  ClusterPartition& partition = topic.partitions.emplace_back();
  partition.replicas = std::move(replicas);
  partition.state.leader = leader;
  partition.state.leader_epoch = epoch;
  partition.state.isr = std::move(isr);
  partition.partition_epoch = epoch;
  return s;
}

const PartitionId kT0{"t", 0};

TEST(ReplicationTest, FollowersCatchUpByteForByteWithRolesFromZooKeeper) {
  TempDir dir;
  const std::string connect = ZooKeeperServer::Shared().NewChroot("replication");
  Node a(1, dir.Sub("a"));
  Node b(2, dir.Sub("b"));
  ASSERT_TRUE(a.Start(connect).ok());
  ASSERT_TRUE(b.Start(connect).ok());
  Node* nodes[] = {&a, &b};
  ClusterAdmin* admin = nullptr;
  ASSERT_TRUE(Eventually([&] {
    for (Node* node : nodes) {
      if ((admin = node->member().admin()) != nullptr) return true;
    }
    return false;
  })) << "no controller";
  ASSERT_TRUE(Eventually([&] { return a.member().Snapshot()->brokers.size() == 2; }));
  NewTopic topic;
  topic.name = "t";
  topic.partitions = 2;
  topic.replication_factor = 2;
  AdminOutcome created = admin->CreateTopic(topic, false);
  ASSERT_TRUE(created.ok()) << created.message;

  // Each partition: its leader leads with the epoch assigned, then takes writes.
  std::vector<std::pair<Node*, Node*>> roles;  // leader, follower by partition
  for (int32_t p = 0; p < 2; ++p) {
    const PartitionId id{"t", p};
    Node* leader = nullptr;
    ASSERT_TRUE(Eventually([&] {
      for (Node* node : nodes) {
        if (node->member().Leads(id)) leader = node;
      }
      return leader != nullptr;
    })) << "nobody leads "
        << id.ToString();
    Node* follower = leader == &a ? &b : &a;
    EXPECT_FALSE(follower->member().Leads(id));
    leader->Write(id, 40, "p" + std::to_string(p));
    roles.emplace_back(leader, follower);
  }
  for (int32_t p = 0; p < 2; ++p) {
    const PartitionId id{"t", p};
    auto [leader, follower] = roles[p];
    ASSERT_TRUE(Eventually([&] {
      return follower->Log(id) != nullptr && SameReplica(*leader->Log(id), *follower->Log(id));
    })) << id.ToString()
        << ": the follower has " << follower->Log(id)->log_end_offset() << " of "
        << leader->Log(id)->log_end_offset();
    EXPECT_EQ(leader->Log(id)->log_end_offset(), 120);
    EXPECT_EQ(follower->Log(id)->high_watermark(), 120);
  }
}

TEST(ReplicationTest, ABrokerDoesNotLeadByAStateWrittenBeforeItRegistered) {
  TempDir dir;
  Node a(1, dir.Sub("a"));
  ASSERT_TRUE(a.Start("").ok());
  ASSERT_TRUE(a.logs().CreateTopic("t", 1, {}).ok());
  // The state names broker 1 the leader, but was written before its registration: by an
  // earlier incarnation, maybe with data this one lacks. It waits for the controller.
  ClusterSnapshot stale = Scripted({&a}, {1}, 1, 3, {1});
  stale.brokers[1].epoch = 200;
  stale.topics["t"].partitions[0].state_zxid = 100;
  a.Apply(stale);
  EXPECT_FALSE(a.replication().Leading(kT0));
  // Elected anew after it registered: it leads.
  ClusterSnapshot fresh = Scripted({&a}, {1}, 1, 4, {1});
  fresh.brokers[1].epoch = 200;
  fresh.topics["t"].partitions[0].state_zxid = 300;
  a.Apply(fresh);
  EXPECT_TRUE(a.replication().Leading(kT0));
}

TEST(ReplicationTest, AFollowerTruncatesWhatItsNewLeaderNeverHad) {
  TempDir dir;
  Node a(1, dir.Sub("a"));
  Node b(2, dir.Sub("b"));
  ASSERT_TRUE(a.Start("").ok());
  ASSERT_TRUE(b.Start("").ok());
  ASSERT_TRUE(a.logs().CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(b.logs().CreateTopic("t", 1, {}).ok());

  // Epoch 1: a leads, b follows and catches up.
  const ClusterSnapshot first = Scripted({&a, &b}, {1, 2}, 1, 1, {1, 2});
  a.Apply(first);
  b.Apply(first);
  ASSERT_TRUE(a.replication().Leading(kT0));
  a.Write(kT0, 5, "both");
  ASSERT_TRUE(Eventually([&] { return SameReplica(*a.Log(kT0), *b.Log(kT0)); }));
  const Offset agreed = a.Log(kT0)->log_end_offset();

  // b loses its leader; a takes writes b never gets.
  b.Apply(Scripted({&a, &b}, {1, 2}, -1, 1, {1, 2}));
  a.Write(kT0, 3, "lost");
  ASSERT_GT(a.Log(kT0)->log_end_offset(), agreed);
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_EQ(b.Log(kT0)->log_end_offset(), agreed);

  // Epoch 2: b leads and takes other writes; a follows it, truncates, and catches up.
  const ClusterSnapshot second = Scripted({&a, &b}, {1, 2}, 2, 2, {2});
  b.Apply(second);
  ASSERT_TRUE(b.replication().Leading(kT0));
  b.Write(kT0, 4, "new");
  a.Apply(second);
  EXPECT_FALSE(a.replication().Leading(kT0));
  ASSERT_TRUE(Eventually([&] { return SameReplica(*b.Log(kT0), *a.Log(kT0)); }))
      << "a ends at " << a.Log(kT0)->log_end_offset() << ", b at " << b.Log(kT0)->log_end_offset();
  EXPECT_EQ(a.Log(kT0)->log_end_offset(), agreed + 12);
  EXPECT_EQ(a.Log(kT0)->leader_epochs(), b.Log(kT0)->leader_epochs());
  const std::vector<EpochStart> epochs = a.Log(kT0)->leader_epochs();
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[0], (EpochStart{1, 0}));
  EXPECT_EQ(epochs[1], (EpochStart{2, agreed}));
  EXPECT_EQ(LogBytes(*a.Log(kT0)).find("lost-"), std::string::npos);
}

TEST(ReplicationTest, AnEmptyFollowerReplicatesFromTheLeadersLogStart) {
  TempDir dir;
  Node a(1, dir.Sub("a"));
  Node b(2, dir.Sub("b"));
  ASSERT_TRUE(a.Start("").ok());
  ASSERT_TRUE(b.Start("").ok());
  ASSERT_TRUE(a.logs().CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(b.logs().CreateTopic("t", 1, {}).ok());

  // a leads alone (the ISR is a) and has dropped its first 4 batches.
  const ClusterSnapshot snapshot = Scripted({&a, &b}, {1, 2}, 1, 3, {1});
  a.Apply(snapshot);
  ASSERT_TRUE(a.replication().Leading(kT0));
  a.Write(kT0, 10, "kept");
  ASSERT_TRUE(Eventually([&] { return a.Log(kT0)->high_watermark() == 30; }));
  ASSERT_TRUE(a.Log(kT0)->DeleteRecordsBefore(12).ok());

  // b, empty, fetches from 0: the leader no longer has it, so b restarts at 12.
  b.Apply(snapshot);
  ASSERT_TRUE(Eventually([&] { return SameReplica(*a.Log(kT0), *b.Log(kT0)); }))
      << "b holds [" << b.Log(kT0)->log_start_offset() << ", " << b.Log(kT0)->log_end_offset()
      << ")";
  EXPECT_EQ(b.Log(kT0)->log_start_offset(), 12);
  EXPECT_EQ(b.Log(kT0)->log_end_offset(), 30);
}

}  // namespace
}  // namespace ringlog::testing
