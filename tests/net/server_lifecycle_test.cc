// Connection and server lifetimes against replies that are still on their way: clients
// that leave mid-response or with replies pending, Stop() with connections open, and
// ReplyFn calls that come after everything they referred to is gone.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "net/server/server.h"
#include "tests/net/server_test_util.h"

namespace ringlog::testing {
namespace {

class ServerLifecycleTest : public ::testing::Test {
 protected:
  void StartWith(RequestHandler* handler, ServerOptions options = LoopbackOptions()) {
    server_ = std::make_unique<Server>(options, handler);
    ASSERT_TRUE(server_->Start().ok());
  }
  std::unique_ptr<TestClient> Connect() { return TestClient::Connect(server_->bound_port()); }

  // The held handler answers a fresh client.
  void ExpectHeldServerStillServes() {
    auto client = Connect();
    ASSERT_NE(client, nullptr);
    const int before = held_.total();
    ASSERT_TRUE(client->SendFrame("ping"));
    ASSERT_TRUE(held_.WaitForRequests(before + 1));
    for (HeldHandler::Held& held : held_.Take()) held.reply(BytesReply(held.frame));
    EXPECT_EQ(client->ReadFrame(), "ping");
  }

  // The handlers are declared before server_, so they outlive it.
  ScriptedHandler scripted_;
  HeldHandler held_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerLifecycleTest, ClientLeavesWithRepliesPending) {
  StartWith(&held_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client->SendFrame(Numbered("p", i)));
  ASSERT_TRUE(held_.WaitForRequests(5));
  client->Close();
  ASSERT_TRUE(held_.WaitForClosed(1));
  // Replies for the departed connection are dropped.
  for (HeldHandler::Held& held : held_.Take()) held.reply(BytesReply(held.frame));
  ExpectHeldServerStillServes();
}

TEST_F(ServerLifecycleTest, ClientResetsMidResponse) {
  StartWith(&scripted_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendFrame(std::string(16 << 20, 'r')));
  std::string start(64 * 1024, '\0');
  ASSERT_TRUE(client->ReadExact(start.data(), start.size()));
  client->SetResetOnClose();
  client->Close();

  auto other = Connect();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->SendFrame("still serving"));
  EXPECT_EQ(other->ReadFrame(), "still serving");
}

TEST_F(ServerLifecycleTest, StopWithConnectionsOpenAndRepliesPending) {
  StartWith(&held_);
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(Connect());
    ASSERT_NE(clients.back(), nullptr);
    ASSERT_TRUE(clients.back()->SendAll(EncodeFrame("a") + EncodeFrame("b")));
  }
  ASSERT_TRUE(held_.WaitForRequests(6));
  std::vector<HeldHandler::Held> held = held_.Take();
  held[0].reply(BytesReply("answered before stop"));

  server_->Stop();
  EXPECT_TRUE(held_.WaitForClosed(3));
  for (auto& client : clients) EXPECT_TRUE(client->WaitForClose());
  // Replies after Stop are dropped, and Stop again is a no-op.
  for (size_t i = 1; i < held.size(); ++i) held[i].reply(BytesReply("too late"));
  server_->Stop();
}

TEST_F(ServerLifecycleTest, ReplyAfterTheServerIsDestroyedIsDropped) {
  StartWith(&held_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendFrame("orphan"));
  ASSERT_TRUE(held_.WaitForRequests(1));
  std::vector<HeldHandler::Held> held = held_.Take();
  server_.reset();
  held[0].reply(BytesReply("nobody listens"));
  EXPECT_TRUE(client->WaitForClose());
}

TEST_F(ServerLifecycleTest, DestructorStopsARunningServer) {
  {
    Server server(LoopbackOptions(), &scripted_);
    ASSERT_TRUE(server.Start().ok());
    auto client = TestClient::Connect(server.bound_port());
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->SendFrame("x"));
    EXPECT_EQ(client->ReadFrame(), "x");
  }
  EXPECT_EQ(scripted_.closed(), 1);
}

TEST_F(ServerLifecycleTest, StopBeforeStartIsANoOp) {
  Server server(LoopbackOptions(), &scripted_);
  server.Stop();
  EXPECT_EQ(server.bound_port(), 0);
}

}  // namespace
}  // namespace ringlog::testing
