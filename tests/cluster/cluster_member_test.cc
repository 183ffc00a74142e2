// ClusterMember against a real ZooKeeper: the registration node, a duplicate broker id, the cluster
// id made once and checked against the data dir, a registration left by this data dir's previous
// session, an unreachable ensemble, and a session expiry (leadership dropped at once, then
// registered again in a new session).
#include "net/cluster/cluster_member.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/group/offset_store.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "net/broker/admin_worker.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/cluster_join.h"
#include "net/cluster/znodes.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"
#include "tests/support/zookeeper_server.h"

namespace ringlog::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kSessionTimeoutMs = 2000;

// Polls `done` until it holds or 10 s pass.
template <typename F>
bool Eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return done();
}

// One broker's storage and services, as `ringlog serve` wires them, with its member.
class Node {
 public:
  explicit Node(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  ~Node() { Stop(); }

  // Opens the storage (kept from an earlier Open of the same dir) and the member.
  Result<ClusterMember*> Open(const std::string& connect, int32_t broker_id) {
    ASSIGN_OR_RETURN(backend_, OpenTestBackend("mem", data_dir_));
    ASSIGN_OR_RETURN(logs_, LogManager::Open(backend_.get(), LogOptions(), SystemClock::Get()));
    flusher_ = std::make_unique<Flusher>(1);
    ASSIGN_OR_RETURN(
        std::unique_ptr<OffsetStore> offsets,
        OffsetStore::Open(logs_.get(), flusher_.get(), SystemClock::Get(), OffsetStoreOptions()));
    groups_ = std::make_unique<GroupCoordinator>(std::move(offsets), SystemClock::Get(),
                                                 GroupCoordinatorOptions());
    admin_ = std::make_unique<AdminWorker>();
    ClusterMemberOptions options;
    options.broker_id = broker_id;
    options.zookeeper.connect = connect;
    options.zookeeper.session_timeout_ms = kSessionTimeoutMs;
    options.zookeeper.connection_timeout_ms = 5000;
    ASSIGN_OR_RETURN(member_, ClusterMember::Open(options, backend_.get(), logs_.get()));
    return member_.get();
  }

  Status Join(int32_t port) {
    return member_->Join("127.0.0.1", port, admin_.get(), groups_.get());
  }

  // As `ringlog serve` stops: the session first, then the rest.
  void Stop() {
    if (member_ != nullptr) member_->Close();
    if (admin_ != nullptr) admin_->Stop();
    member_.reset();
    admin_.reset();
    groups_.reset();
    flusher_.reset();
    if (logs_ != nullptr) logs_->Close().IgnoreError();
    logs_.reset();
    backend_.reset();
  }

  StorageBackend& backend() { return *backend_; }
  ClusterMember& member() { return *member_; }

 private:
  const std::string data_dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<Flusher> flusher_;
  std::unique_ptr<GroupCoordinator> groups_;
  std::unique_ptr<AdminWorker> admin_;
  std::unique_ptr<ClusterMember> member_;
};

class ClusterMemberTest : public ::testing::Test {
 protected:
  void SetUp() override { connect_ = ZooKeeperServer::Shared().NewChroot("member"); }

  // A plain session on the test's chroot, for looking at the znodes.
  std::unique_ptr<ZkClient> Observer() {
    ZkClientOptions options;
    options.connect = connect_;
    options.session_timeout_ms = kSessionTimeoutMs;
    Result<std::unique_ptr<ZkClient>> client = ZkClient::Connect(options, nullptr);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  TempDir dir_;
  std::string connect_;
};

TEST_F(ClusterMemberTest, RegistersItsEndpointAsAnEphemeralNodeOfItsSession) {
  Node node(dir_.Sub("b1"));
  ASSERT_TRUE(node.Open(connect_, 1).ok());
  ASSERT_TRUE(node.Join(19092).ok());
  std::unique_ptr<ZkClient> zk = Observer();
  ASSERT_NE(zk, nullptr);

  std::string data;
  ZkStat stat;
  ASSERT_TRUE(zk->Get(znodes::BrokerPath(1), &data, &stat, false).ok());
  Result<znodes::BrokerRegistration> registration = znodes::DecodeBrokerRegistration(1, data);
  ASSERT_TRUE(registration.ok()) << registration.status().ToString();
  EXPECT_EQ(registration->host, "127.0.0.1");
  EXPECT_EQ(registration->port, 19092);
  EXPECT_GT(registration->timestamp_ms, 0);
  EXPECT_EQ(stat.ephemeral_owner, node.member().zk_source()()->session_id());
  EXPECT_TRUE(node.member().registered());
  EXPECT_TRUE(node.member().WaitForSnapshot(
      [](const ClusterSnapshot& s) { return s.FindBroker(1) != nullptr; }, milliseconds(5000)));

  // A stopped broker's registration goes with its session, at once.
  node.Stop();
  EXPECT_EQ(zk->Exists(znodes::BrokerPath(1), &stat, false).code, ZkCode::kNoNode);
}

TEST_F(ClusterMemberTest, RefusesASecondBrokerWithTheSameId) {
  Node first(dir_.Sub("first"));
  ASSERT_TRUE(first.Open(connect_, 3).ok());
  ASSERT_TRUE(first.Join(19093).ok());

  Node second(dir_.Sub("second"));
  ASSERT_TRUE(second.Open(connect_, 3).ok());
  Status joined = second.Join(19094);
  EXPECT_TRUE(joined.IsAlreadyExists()) << joined.ToString();
  EXPECT_NE(joined.message().find("broker id 3 is already registered"), std::string::npos)
      << joined.ToString();
  EXPECT_FALSE(second.member().registered());

  // The first keeps its registration.
  std::unique_ptr<ZkClient> zk = Observer();
  ZkStat stat;
  ASSERT_TRUE(zk->Exists(znodes::BrokerPath(3), &stat, false).ok());
  EXPECT_EQ(stat.ephemeral_owner, first.member().zk_source()()->session_id());
}

TEST_F(ClusterMemberTest, MakesTheClusterIdOnceAndRefusesADataDirOfAnotherCluster) {
  Node a(dir_.Sub("a"));
  Node b(dir_.Sub("b"));
  ASSERT_TRUE(a.Open(connect_, 1).ok());
  ASSERT_TRUE(b.Open(connect_, 2).ok());
  const std::string id = a.member().cluster_id();
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(b.member().cluster_id(), id);
  Result<std::string> stored = b.backend().GetMeta(kClusterIdMeta);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, id);

  std::unique_ptr<ZkClient> zk = Observer();
  std::string data;
  ASSERT_TRUE(zk->Get(std::string(znodes::kClusterId), &data, nullptr, false).ok());
  Result<std::string> in_zk = znodes::DecodeClusterId(data);
  ASSERT_TRUE(in_zk.ok());
  EXPECT_EQ(*in_zk, id);

  // The same data dir against another cluster (another chroot): refused, naming both.
  a.Stop();
  Node again(dir_.Sub("a"));
  Result<ClusterMember*> opened =
      again.Open(ZooKeeperServer::Shared().NewChroot("other-cluster"), 1);
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsInvalidArgument()) << opened.status().ToString();
  EXPECT_NE(opened.status().message().find(id), std::string::npos) << opened.status().ToString();
}

TEST_F(ClusterMemberTest, WaitsForTheRegistrationOfItsPreviousSessionToGo) {
  // A broker killed while registered: its node stays until ZooKeeper expires the session.
  std::unique_ptr<ZkClient> killed = Observer();
  ASSERT_NE(killed, nullptr);
  ASSERT_TRUE(killed->CreateRecursive(std::string(znodes::kBrokerIds)).ok());
  ASSERT_TRUE(killed->Create(znodes::BrokerPath(4), "{}", /*ephemeral=*/true).ok());
  Node node(dir_.Sub("b4"));
  ASSERT_TRUE(node.Open(connect_, 4).ok());
  ASSERT_TRUE(node.backend().PutMeta(kSessionMeta, std::to_string(killed->session_id())).ok());

  std::future<Status> joined = std::async(std::launch::async, [&] { return node.Join(19095); });
  EXPECT_EQ(joined.wait_for(milliseconds(500)), std::future_status::timeout);
  killed.reset();  // the old session ends
  ASSERT_EQ(joined.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  Status status = joined.get();
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(node.member().registered());
}

TEST_F(ClusterMemberTest, KeepsRegisteringWhenThePreviousSessionOutlastsTheStart) {
  // The previous session's node stays longer than Join waits for it (the broker was paused,
  // say): Join does not fail, the member thread registers once the node is gone.
  std::unique_ptr<ZkClient> killed = Observer();
  ASSERT_NE(killed, nullptr);
  ASSERT_TRUE(killed->CreateRecursive(std::string(znodes::kBrokerIds)).ok());
  ASSERT_TRUE(killed->Create(znodes::BrokerPath(5), "{}", /*ephemeral=*/true).ok());
  Node node(dir_.Sub("b5"));
  ASSERT_TRUE(node.Open(connect_, 5).ok());
  ASSERT_TRUE(node.backend().PutMeta(kSessionMeta, std::to_string(killed->session_id())).ok());

  Status joined = node.Join(19096);
  ASSERT_TRUE(joined.ok()) << joined.ToString();
  EXPECT_FALSE(node.member().registered());
  killed.reset();  // the old session ends
  EXPECT_TRUE(Eventually([&] { return node.member().registered(); }));
}

TEST_F(ClusterMemberTest, UnreachableZooKeeperIsAnErrorNamingTheConnectString) {
  Result<std::unique_ptr<StorageBackend>> backend = OpenTestBackend("mem", dir_.Sub("nowhere"));
  ASSERT_TRUE(backend.ok());
  ClusterMemberOptions options;
  options.zookeeper.connect = "127.0.0.1:1";  // nothing listens there
  options.zookeeper.session_timeout_ms = kSessionTimeoutMs;
  options.zookeeper.connection_timeout_ms = 1000;
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<ClusterMember>> opened =
      ClusterMember::Open(options, backend->get(), nullptr);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("127.0.0.1:1"), std::string::npos)
      << opened.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ClusterMemberTest, SessionExpiryDropsLeadershipAtOnceThenRegistersAgain) {
  Node node(dir_.Sub("b7"));
  ASSERT_TRUE(node.Open(connect_, 7).ok());
  ASSERT_TRUE(node.Join(19097).ok());
  ClusterMember& member = node.member();
  ASSERT_TRUE(Eventually([&] { return member.admin() != nullptr; })) << "never the controller";
  NewTopic topic;
  topic.name = "t";
  topic.partitions = 2;
  topic.replication_factor = 1;
  AdminOutcome created = member.admin()->CreateTopic(topic, false);
  ASSERT_TRUE(created.ok()) << created.message;
  const PartitionId p{"t", 1};
  ASSERT_TRUE(Eventually([&] { return member.Leads(p); }));

  const int64_t old_session = member.zk_source()()->session_id();
  ASSERT_TRUE(ExpireSession(*member.zk_source()(), connect_).ok());
  // The server has dropped the session and its registration; another session takes the id before
  // the broker learns of it, so that its registration is refused for a while.
  std::unique_ptr<ZkClient> squatter = Observer();
  ASSERT_NE(squatter, nullptr);
  ASSERT_TRUE(squatter->Create(znodes::BrokerPath(7), "{}", /*ephemeral=*/true).ok());

  ASSERT_TRUE(Eventually([&] { return !member.registered(); }));
  // Unregistered, it leads nothing: not in Leads, not in the metadata it publishes.
  EXPECT_FALSE(member.Leads(p));
  const ClusterPartition* partition = member.Snapshot()->FindPartition("t", 1);
  ASSERT_NE(partition, nullptr);
  EXPECT_NE(partition->state.leader, 7);
  EXPECT_EQ(member.admin(), nullptr);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_FALSE(member.registered());
  EXPECT_FALSE(member.Leads(p));

  // Once the id is free, it registers in a new session and leads its partitions again.
  squatter.reset();
  ASSERT_TRUE(Eventually([&] { return member.registered(); }));
  std::unique_ptr<ZkClient> zk = Observer();
  ZkStat stat;
  ASSERT_TRUE(zk->Exists(znodes::BrokerPath(7), &stat, false).ok());
  EXPECT_NE(stat.ephemeral_owner, old_session);
  EXPECT_EQ(stat.ephemeral_owner, member.zk_source()()->session_id());
  EXPECT_TRUE(Eventually([&] { return member.Leads(p); }));
}

}  // namespace
}  // namespace ringlog::testing
