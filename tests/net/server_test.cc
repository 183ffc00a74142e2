// The server end to end over loopback sockets: replies in request order however they
// complete, Reply::None and Reply::Close, many connections over many loops, and start-up
// (the port is taken last).
#include "net/server/server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/net/server_test_util.h"

namespace ringlog::testing {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void StartWith(RequestHandler* handler, ServerOptions options = LoopbackOptions()) {
    // The handlers are members declared before server_, so they outlive it.
    server_ = std::make_unique<Server>(options, handler);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->bound_port(), 0);
  }
  std::unique_ptr<TestClient> Connect() { return TestClient::Connect(server_->bound_port()); }

  ScriptedHandler scripted_;
  HeldHandler held_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  ScriptedHandler& handler = scripted_;
  StartWith(&handler);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  std::string batch;
  for (int i = 0; i < 50; ++i) batch += EncodeFrame(Numbered("request-", i));
  ASSERT_TRUE(client->SendAll(batch));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(client->ReadFrame(), Numbered("request-", i));
}

TEST_F(ServerTest, DelayedRepliesStillGoOutInRequestOrder) {
  ScriptedHandler& handler = scripted_;
  StartWith(&handler);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  // The first request waits longest, so the replies complete in reverse.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client->SendFrame(Numbered("delay:", 50 - 10 * i) + Numbered(":r", i)));
  }
  ASSERT_TRUE(client->SendFrame("now"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client->ReadFrame(), Numbered("r", i));
  EXPECT_EQ(client->ReadFrame(), "now");
}

TEST_F(ServerTest, RepliesCompletedOutOfOrderFromAnotherThreadAreSentInOrder) {
  HeldHandler& handler = held_;
  StartWith(&handler);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  constexpr int kRequests = 20;
  for (int i = 0; i < kRequests; ++i) ASSERT_TRUE(client->SendFrame(Numbered("m", i)));
  ASSERT_TRUE(handler.WaitForRequests(kRequests));
  std::vector<HeldHandler::Held> held = handler.Take();
  std::thread completer([&held] {
    for (auto it = held.rbegin(); it != held.rend(); ++it) it->reply(BytesReply(it->frame));
  });
  completer.join();
  for (int i = 0; i < kRequests; ++i) EXPECT_EQ(client->ReadFrame(), Numbered("m", i));
}

TEST_F(ServerTest, NoneSendsNothingAndLaterRepliesFollowInOrder) {
  ScriptedHandler& handler = scripted_;
  StartWith(&handler);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendAll(EncodeFrame("a") + EncodeFrame("none") + EncodeFrame("b") +
                              EncodeFrame("none") + EncodeFrame("none") + EncodeFrame("c")));
  EXPECT_EQ(client->ReadFrame(), "a");
  EXPECT_EQ(client->ReadFrame(), "b");
  EXPECT_EQ(client->ReadFrame(), "c");
  EXPECT_EQ(handler.requests(), 6);
}

TEST_F(ServerTest, CloseIsSentAfterTheRepliesBeforeIt) {
  ScriptedHandler& handler = scripted_;
  StartWith(&handler);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendAll(EncodeFrame("delay:30:first") + EncodeFrame("second") +
                              EncodeFrame("close") + EncodeFrame("after-close")));
  EXPECT_EQ(client->ReadFrame(), "first");
  EXPECT_EQ(client->ReadFrame(), "second");
  EXPECT_TRUE(client->WaitForClose());
}

TEST_F(ServerTest, LoopExecutorPostAndCancelTimer) {
  ScriptedHandler& handler = scripted_;
  StartWith(&handler);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendAll(EncodeFrame("cancel") + EncodeFrame("post:posted")));
  EXPECT_EQ(client->ReadFrame(), "kept");
  EXPECT_EQ(client->ReadFrame(), "posted");
}

TEST_F(ServerTest, OnConnectionClosedRunsForEveryConnection) {
  ScriptedHandler& handler = scripted_;
  StartWith(&handler);
  for (int i = 0; i < 3; ++i) {
    auto client = Connect();
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->SendFrame("hello"));
    EXPECT_EQ(client->ReadFrame(), "hello");
  }
  for (int i = 0; i < 500 && handler.closed() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(handler.closed(), 3);
}

TEST_F(ServerTest, FiftyConcurrentConnectionsAcrossLoops) {
  ScriptedHandler& handler = scripted_;
  ServerOptions options = LoopbackOptions();
  options.num_loops = 4;
  StartWith(&handler, options);
  constexpr int kClients = 50;
  constexpr int kRequests = 20;
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      auto client = Connect();
      if (client == nullptr) return;
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = std::to_string(c) + Numbered("/", i);
        if (!client->SendFrame(body)) return;
        if (client->ReadFrame() == body) ++answered;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), kClients * kRequests);
  EXPECT_EQ(handler.distinct_loops(), 4u);
}

TEST_F(ServerTest, BindingAPortInUseFailsWithIOError) {
  ScriptedHandler& handler = scripted_;
  StartWith(&handler);
  ServerOptions options = LoopbackOptions();
  options.port = server_->bound_port();
  Server second(options, &handler);
  const Status status = second.Start();
  EXPECT_TRUE(status.IsIOError()) << status.ToString();
  EXPECT_NE(status.message().find("in use"), std::string::npos) << status.ToString();
  // The first server is unaffected.
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendFrame("still here"));
  EXPECT_EQ(client->ReadFrame(), "still here");
}

TEST_F(ServerTest, InvalidOptionsAreRejected) {
  ScriptedHandler handler;
  ServerOptions options = LoopbackOptions();
  options.max_inflight_per_connection = 0;
  Server server(options, &handler);
  EXPECT_TRUE(server.Start().IsInvalidArgument());
}

TEST_F(ServerTest, UnresolvableHostFailsWithIOError) {
  ScriptedHandler handler;
  ServerOptions options = LoopbackOptions();
  options.host = "no-such-host.invalid";
  Server server(options, &handler);
  EXPECT_TRUE(server.Start().IsIOError());
}

// The listening socket is the last thing Start takes, so a server whose loops cannot run
// never listened: no client is taken into a backlog that is then closed on it (a reset).
// Shown with the port held by another socket and no descriptor left for a loop's ring: the
// loops fail first, and the port is never tried. In a child process, for the descriptor
// limit.
TEST(ServerStartOrderDeathTest, LoopsRunBeforeThePortIsTaken) {
#if defined(__SANITIZE_ADDRESS__)
  // UBSan's vptr check opens a pipe to probe memory; with no descriptor left it reports
  // every object as having an invalid vptr. The release build runs this test.
  GTEST_SKIP() << "needs a descriptor limit the sanitizers cannot work under";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(address);
        if (::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
            ::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
          std::_Exit(10);
        }
        ScriptedHandler handler;
        ServerOptions options = LoopbackOptions();
        options.port = ntohs(address.sin_port);
        options.num_loops = 1;
        Server server(options, &handler);
        // One descriptor left: the loop's eventfd takes it, and its ring finds none.
        const int lowest = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        ::close(lowest);
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = static_cast<rlim_t>(lowest) + 1;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) std::_Exit(11);
        const Status status = server.Start();
        std::_Exit(status.ok() ? 12 : status.err_no() == EMFILE ? 0 : 13);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace ringlog::testing
