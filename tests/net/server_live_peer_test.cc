// RequestHandler::NeedsLivePeer: a request so marked is dropped unanswered when the
// connection's peer has closed its end before the request is read, and handed out as usual
// while the peer is there; unmarked requests are handed out either way.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "net/server/server.h"
#include "tests/net/server_test_util.h"

namespace ringlog::testing {
namespace {

// Echoes every request and records it. "live..." requests need a live peer; "block" holds
// the loop thread until Unblock(), so that what the client sends meanwhile (its close
// included) is all there when the loop reads on.
class LivePeerHandler : public RequestHandler {
 public:
  void Handle(const ConnectionInfo& conn, std::string frame, LoopExecutor& loop,
              ReplyFn reply) override {
    (void)conn;
    (void)loop;
    if (frame == "block") {
      blocked_.set_value();
      unblock_.wait();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      handled_.push_back(frame);
    }
    reply(BytesReply(std::move(frame)));
  }
  bool NeedsLivePeer(std::string_view frame) const override { return frame.starts_with("live"); }

  void WaitBlocked() { blocked_.get_future().wait(); }
  void Unblock() { unblock_promise_.set_value(); }
  std::vector<std::string> handled() {
    std::lock_guard<std::mutex> lock(mu_);
    return handled_;
  }

 private:
  std::promise<void> blocked_;
  std::promise<void> unblock_promise_;
  std::shared_future<void> unblock_ = unblock_promise_.get_future().share();
  std::mutex mu_;
  std::vector<std::string> handled_;
};

class ServerLivePeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(LoopbackOptions(), &handler_);
    ASSERT_TRUE(server_->Start().ok());
  }

  LivePeerHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerLivePeerTest, MarkedRequestsFromAnOpenConnectionAreHandled) {
  auto client = TestClient::Connect(server_->bound_port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendFrame("live-1"));
  EXPECT_EQ(client->ReadFrame(), "live-1");
}

TEST_F(ServerLivePeerTest, MarkedRequestsReadAfterThePeersCloseAreDropped) {
  auto client = TestClient::Connect(server_->bound_port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendFrame("block"));
  handler_.WaitBlocked();
  // Sent while the loop is held: the loop reads them together with the close.
  ASSERT_TRUE(client->SendFrame("live-1") && client->SendFrame("plain") &&
              client->SendFrame("live-2"));
  ASSERT_EQ(::shutdown(client->fd(), SHUT_WR), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  handler_.Unblock();
  EXPECT_TRUE(client->WaitForClose());
  // What is not marked still runs (an acks=0 produce sent just before a close).
  EXPECT_EQ(handler_.handled(), (std::vector<std::string>{"block", "plain"}));
}

}  // namespace
}  // namespace ringlog::testing
