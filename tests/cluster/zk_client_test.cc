// ZkClient against a real ZooKeeper (tests/support/zookeeper_server.h): reads and
// conditional writes, ephemeral nodes, one-shot watches delivered on the client's own
// thread, multi-ops, connect failures and session expiry. Each test has its own chroot.
#include "net/cluster/zk_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "tests/support/zookeeper_server.h"

namespace ringlog {
namespace {

using testing::ExpireSession;
using testing::ZooKeeperServer;

constexpr auto kEventWait = std::chrono::seconds(20);

std::unique_ptr<ZkClient> ConnectOrDie(const std::string& connect, ZkListener* listener = nullptr,
                                       int session_timeout_ms = 6000) {
  Result<std::unique_ptr<ZkClient>> client =
      ZkClient::Connect({.connect = connect,
                         .session_timeout_ms = session_timeout_ms,
                         .connection_timeout_ms = 15000},
                        listener);
  CHECK(client.ok()) << client.status().ToString();
  return std::move(*client);
}

// Records what the client reports. With `client` set, every watch is re-armed from inside
// OnWatch: a listener may call back into the client.
class RecordingListener : public ZkListener {
 public:
  void OnWatch(const std::string& path) override {
    if (ZkClient* client = rearm.load(); client != nullptr) {
      std::string data;
      client->Get(path, &data, nullptr, true);
    }
    std::lock_guard lock(mu_);
    watches_.push_back(path);
    cv_.notify_all();
  }
  void OnSessionExpired() override {
    owned.reset();
    std::lock_guard lock(mu_);
    ++expiries_;
    cv_.notify_all();
  }

  // Waits until `count` watches have fired; the paths in order.
  std::vector<std::string> WaitForWatches(size_t count) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kEventWait, [&] { return watches_.size() >= count; });
    return watches_;
  }
  int WaitForExpiry() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kEventWait, [&] { return expiries_ > 0; });
    return expiries_;
  }

  std::atomic<ZkClient*> rearm = nullptr;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> watches_;
  int expiries_ = 0;

 public:
  // Dropped from OnSessionExpired, as an owner does. Declared last: destroyed first.
  std::unique_ptr<ZkClient> owned;
};

TEST(ZkClientTest, CreatesReadsAndWritesWithVersions) {
  auto zk = ConnectOrDie(ZooKeeperServer::Shared().NewChroot("crud"));
  ASSERT_TRUE(zk->Create("/a", "one", false).ok());
  EXPECT_EQ(zk->Create("/a", "again", false).code, ZkCode::kNodeExists);
  ZkStatus orphan = zk->Create("/no/parent", "", false);
  EXPECT_EQ(orphan.code, ZkCode::kNoNode);
  EXPECT_NE(orphan.message.find("/no/parent"), std::string::npos) << orphan.message;

  std::string data;
  ZkStat stat;
  ASSERT_TRUE(zk->Get("/a", &data, &stat, false).ok());
  EXPECT_EQ(data, "one");
  EXPECT_EQ(stat.version, 0);
  EXPECT_EQ(stat.ephemeral_owner, 0);

  ZkStat written;
  ASSERT_TRUE(zk->SetData("/a", "two", 0, &written).ok());
  EXPECT_EQ(written.version, 1);
  EXPECT_EQ(zk->SetData("/a", "stale", 0).code, ZkCode::kBadVersion);
  EXPECT_EQ(zk->Delete("/a", 0).code, ZkCode::kBadVersion);
  ASSERT_TRUE(zk->Get("/a", &data, nullptr, false).ok());
  EXPECT_EQ(data, "two");
  ASSERT_TRUE(zk->Delete("/a", 1).ok());
  EXPECT_EQ(zk->Get("/a", &data, nullptr, false).code, ZkCode::kNoNode);
  EXPECT_EQ(zk->Exists("/a", nullptr, false).code, ZkCode::kNoNode);

  // Empty and larger-than-the-first-buffer values.
  ASSERT_TRUE(zk->Create("/empty", "", false).ok());
  ASSERT_TRUE(zk->Get("/empty", &data, nullptr, false).ok());
  EXPECT_EQ(data, "");
  const std::string big(300 * 1024, 'z');
  ASSERT_TRUE(zk->Create("/big", big, false).ok());
  ASSERT_TRUE(zk->Get("/big", &data, &stat, false).ok());
  EXPECT_EQ(data, big);
}

TEST(ZkClientTest, CreatesTreesAndListsChildrenSorted) {
  auto zk = ConnectOrDie(ZooKeeperServer::Shared().NewChroot("tree"));
  ASSERT_TRUE(zk->CreateRecursive("/p/q/r").ok());
  ASSERT_TRUE(zk->CreateRecursive("/p/q/r").ok());
  for (const char* child : {"/p/c", "/p/a", "/p/b"}) ASSERT_TRUE(zk->Create(child, "", false).ok());
  std::vector<std::string> children;
  ASSERT_TRUE(zk->GetChildren("/p", &children, false).ok());
  EXPECT_EQ(children, (std::vector<std::string>{"a", "b", "c", "q"}));
  ZkStat stat;
  ASSERT_TRUE(zk->Exists("/p", &stat, false).ok());
  EXPECT_EQ(stat.num_children, 4);
  EXPECT_EQ(zk->Delete("/p").code, ZkCode::kNotEmpty);
  EXPECT_EQ(zk->GetChildren("/none", &children, false).code, ZkCode::kNoNode);
}

// A chroot that does not exist is created; paths inside it are relative to it.
TEST(ZkClientTest, CreatesItsChrootAndStaysInside) {
  ZooKeeperServer& server = ZooKeeperServer::Shared();
  const std::string connect = server.NewChroot("chroot") + "/deeper/still";
  auto rooted = ConnectOrDie(connect);
  ASSERT_TRUE(rooted->Create("/inside", "x", false).ok());
  auto outside = ConnectOrDie(server.connect_string());
  const std::string chroot = connect.substr(connect.find('/'));
  EXPECT_TRUE(outside->Exists(chroot + "/inside", nullptr, false).ok());
  EXPECT_EQ(rooted->Exists(chroot + "/inside", nullptr, false).code, ZkCode::kNoNode);
}

TEST(ZkClientTest, EphemeralNodesGoWithTheirClient) {
  const std::string connect = ZooKeeperServer::Shared().NewChroot("ephemeral");
  auto owner = ConnectOrDie(connect);
  auto other = ConnectOrDie(connect);
  ASSERT_TRUE(owner->Create("/e", "alive", true).ok());
  ZkStat stat;
  ASSERT_TRUE(other->Exists("/e", &stat, false).ok());
  EXPECT_EQ(stat.ephemeral_owner, owner->session_id());
  EXPECT_NE(owner->session_id(), other->session_id());
  owner.reset();
  EXPECT_EQ(other->Exists("/e", nullptr, false).code, ZkCode::kNoNode);
}

// A watch fires once, with the path, however often it was armed; the listener runs on
// the client's thread and may use the client.
TEST(ZkClientTest, WatchesFireOnceWithTheirPath) {
  const std::string connect = ZooKeeperServer::Shared().NewChroot("watch");
  RecordingListener listener;
  auto zk = ConnectOrDie(connect, &listener);
  auto writer = ConnectOrDie(connect);
  ASSERT_TRUE(zk->Create("/w", "0", false).ok());
  ASSERT_TRUE(zk->Create("/parent", "", false).ok());

  std::string data;
  ASSERT_TRUE(zk->Get("/w", &data, nullptr, true).ok());
  ASSERT_TRUE(zk->Exists("/w", nullptr, true).ok());
  ASSERT_TRUE(zk->Get("/w", &data, nullptr, true).ok());
  ASSERT_TRUE(writer->SetData("/w", "1", -1).ok());
  ASSERT_TRUE(writer->SetData("/w", "2", -1).ok());
  EXPECT_EQ(listener.WaitForWatches(1), (std::vector<std::string>{"/w"}));

  // A child watch, and an existence watch on an absent node; events keep ZooKeeper's
  // order, so /w has fired only once if the later ones arrive right after it.
  std::vector<std::string> children;
  ASSERT_TRUE(zk->GetChildren("/parent", &children, true).ok());
  ASSERT_TRUE(writer->Create("/parent/kid", "", false).ok());
  EXPECT_EQ(listener.WaitForWatches(2), (std::vector<std::string>{"/w", "/parent"}));
  EXPECT_EQ(zk->Exists("/later", nullptr, true).code, ZkCode::kNoNode);
  ASSERT_TRUE(writer->Create("/later", "", false).ok());
  EXPECT_EQ(listener.WaitForWatches(3), (std::vector<std::string>{"/w", "/parent", "/later"}));

  // Re-armed from inside the listener.
  listener.rearm = zk.get();
  ASSERT_TRUE(zk->Get("/later", &data, nullptr, true).ok());
  ASSERT_TRUE(writer->SetData("/later", "a", -1).ok());
  ASSERT_EQ(listener.WaitForWatches(4).size(), 4u);
  ASSERT_TRUE(writer->SetData("/later", "b", -1).ok());
  EXPECT_EQ(listener.WaitForWatches(5),
            (std::vector<std::string>{"/w", "/parent", "/later", "/later", "/later"}));
  listener.rearm = nullptr;
}

TEST(ZkClientTest, MultiIsAllOrNothing) {
  auto zk = ConnectOrDie(ZooKeeperServer::Shared().NewChroot("multi"));
  ASSERT_TRUE(zk->Create("/epoch", "1", false).ok());

  const std::vector<ZkOp> fenced = {ZkOp::Create("/m1", "a"), ZkOp::Check("/epoch", 7),
                                    ZkOp::Create("/m2", "b")};
  size_t failed = 99;
  ZkStatus status = zk->Multi(fenced, &failed);
  EXPECT_EQ(status.code, ZkCode::kBadVersion) << status.message;
  EXPECT_EQ(failed, 1u);
  EXPECT_EQ(zk->Exists("/m1", nullptr, false).code, ZkCode::kNoNode);
  EXPECT_EQ(zk->Exists("/m2", nullptr, false).code, ZkCode::kNoNode);

  const std::vector<ZkOp> applied = {
      ZkOp::Create("/m1", "a"), ZkOp::SetData("/epoch", "2", 0), ZkOp::Check("/epoch", 1),
      ZkOp::Create("/m2", "b", /*ephemeral=*/true), ZkOp::Delete("/m1", 0)};
  status = zk->Multi(applied, &failed);
  ASSERT_TRUE(status.ok()) << status.message;
  std::string data;
  ZkStat stat;
  ASSERT_TRUE(zk->Get("/epoch", &data, &stat, false).ok());
  EXPECT_EQ(data, "2");
  EXPECT_EQ(stat.version, 1);
  EXPECT_EQ(zk->Exists("/m1", nullptr, false).code, ZkCode::kNoNode);
  ASSERT_TRUE(zk->Exists("/m2", &stat, false).ok());
  EXPECT_EQ(stat.ephemeral_owner, zk->session_id());

  EXPECT_EQ(zk->Multi(std::vector<ZkOp>{ZkOp::Create("/m2", "")}, &failed).code,
            ZkCode::kNodeExists);
  EXPECT_EQ(failed, 0u);
  EXPECT_TRUE(zk->Multi({}).ok());
}

// A server that goes away and comes back within the session: calls meanwhile fail with
// kConnectionLoss, then the same session carries on with its watches.
TEST(ZkClientTest, RidesOutAServerRestartWithinTheSession) {
  Result<std::unique_ptr<ZooKeeperServer>> server = ZooKeeperServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  RecordingListener listener;
  auto zk = ConnectOrDie((*server)->connect_string(), &listener, 4000);
  const int64_t session = zk->session_id();
  ASSERT_TRUE(zk->Create("/w", "0", false).ok());
  ASSERT_TRUE(zk->Exists("/w", nullptr, true).ok());

  (*server)->Stop();
  std::string data;
  EXPECT_EQ(zk->Get("/w", &data, nullptr, false).code, ZkCode::kConnectionLoss);
  Status restarted = (*server)->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  auto writer = ConnectOrDie((*server)->connect_string());
  ASSERT_TRUE(writer->SetData("/w", "1", -1).ok());
  EXPECT_EQ(listener.WaitForWatches(1), (std::vector<std::string>{"/w"}));
  ASSERT_TRUE(zk->Get("/w", &data, nullptr, false).ok());
  EXPECT_EQ(data, "1");
  EXPECT_EQ(zk->session_id(), session);
}

// A port where nothing listens.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  CHECK_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  CHECK_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(ZkClientTest, ConnectGivesUpWithAnErrorNamingTheEnsemble) {
  const std::string connect = "127.0.0.1:" + std::to_string(ClosedPort()) + "/nowhere";
  Result<std::unique_ptr<ZkClient>> client =
      ZkClient::Connect({.connect = connect, .connection_timeout_ms = 1200}, nullptr);
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(client.status().IsIOError()) << client.status().ToString();
  EXPECT_NE(client.status().message().find(connect), std::string::npos)
      << client.status().ToString();

  for (const char* bad : {"", "/chroot", "host", "host:", "host:0", "host:99999", ":2181",
                          "host:2181,", "host:2181/trailing/", "host:2181//double"}) {
    Result<std::unique_ptr<ZkClient>> refused =
        ZkClient::Connect({.connect = bad, .connection_timeout_ms = 1000}, nullptr);
    EXPECT_TRUE(refused.status().IsInvalidArgument()) << bad << ": " << refused.status().ToString();
  }
}

// An expired session: the listener hears it once, every call then fails with
// kSessionExpired, and the session's ephemeral nodes are gone.
TEST(ZkClientTest, ReportsSessionExpiry) {
  ZooKeeperServer& server = ZooKeeperServer::Shared();
  const std::string connect = server.NewChroot("expiry");
  RecordingListener listener;
  auto zk = ConnectOrDie(connect, &listener, /*session_timeout_ms=*/2000);
  auto other = ConnectOrDie(connect);
  ASSERT_TRUE(zk->Create("/mine", "", true).ok());

  Status expired = ExpireSession(*zk, server.connect_string());
  ASSERT_TRUE(expired.ok()) << expired.ToString();
  EXPECT_EQ(other->Exists("/mine", nullptr, false).code, ZkCode::kNoNode);
  ASSERT_EQ(listener.WaitForExpiry(), 1);
  std::string data;
  ZkStatus after = zk->Get("/", &data, nullptr, false);
  EXPECT_EQ(after.code, ZkCode::kSessionExpired) << after.message;
  EXPECT_TRUE(after.ToStatus().IsBusy());
  EXPECT_EQ(zk->Create("/again", "", true).code, ZkCode::kSessionExpired);
}

// An owner may drop its client from the listener call that reports the expiry.
TEST(ZkClientTest, ClientMayBeDroppedFromItsOwnListener) {
  ZooKeeperServer& server = ZooKeeperServer::Shared();
  RecordingListener listener;
  listener.owned = ConnectOrDie(server.NewChroot("drop"), &listener, 2000);
  Status expired = ExpireSession(*listener.owned, server.connect_string());
  ASSERT_TRUE(expired.ok()) << expired.ToString();
  EXPECT_EQ(listener.WaitForExpiry(), 1);
}

TEST(ZkClientTest, StatusesMapToEngineStatuses) {
  EXPECT_TRUE(ZkStatus{}.ToStatus().ok());
  EXPECT_TRUE((ZkStatus{ZkCode::kNoNode, "m"}).ToStatus().IsNotFound());
  EXPECT_TRUE((ZkStatus{ZkCode::kNodeExists, "m"}).ToStatus().IsAlreadyExists());
  EXPECT_TRUE((ZkStatus{ZkCode::kConnectionLoss, "m"}).ToStatus().IsBusy());
  EXPECT_TRUE((ZkStatus{ZkCode::kBadVersion, "m"}).ToStatus().IsIOError());
  EXPECT_TRUE((ZkStatus{ZkCode::kError, "m"}).ToStatus().IsIOError());
}

}  // namespace
}  // namespace ringlog
