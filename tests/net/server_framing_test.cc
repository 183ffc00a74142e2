// The server's framing and bounds over loopback sockets: frames split across reads or
// packed many to a read, very large frames, bad size prefixes and garbage, and the
// per-connection in-flight bound.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "net/server/server.h"
#include "tests/net/server_test_util.h"

namespace ringlog::testing {
namespace {

class ServerFramingTest : public ::testing::Test {
 protected:
  void StartWith(RequestHandler* handler, ServerOptions options = LoopbackOptions()) {
    server_ = std::make_unique<Server>(options, handler);
    ASSERT_TRUE(server_->Start().ok());
  }
  std::unique_ptr<TestClient> Connect() { return TestClient::Connect(server_->bound_port()); }

  // The server still answers a fresh client.
  void ExpectServerStillServes() {
    auto other = Connect();
    ASSERT_NE(other, nullptr);
    ASSERT_TRUE(other->SendFrame("are you there"));
    EXPECT_EQ(other->ReadFrame(), "are you there");
  }

  // The handlers are declared before server_, so they outlive it.
  ScriptedHandler scripted_;
  HeldHandler held_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerFramingTest, FramesWrittenOneByteAtATime) {
  StartWith(&scripted_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  const std::string bytes = EncodeFrame("first") + EncodeFrame("") + EncodeFrame("third");
  for (char byte : bytes) {
    ASSERT_TRUE(client->SendAll(std::string_view(&byte, 1)));
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_EQ(client->ReadFrame(), "first");
  EXPECT_EQ(client->ReadFrame(), "");
  EXPECT_EQ(client->ReadFrame(), "third");
}

TEST_F(ServerFramingTest, ThousandFramesInOneWrite) {
  StartWith(&scripted_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  constexpr int kFrames = 1000;
  std::string bytes;
  for (int i = 0; i < kFrames; ++i) bytes += EncodeFrame(Numbered("f", i));
  // More frames than the in-flight bound (100): the rest wait staged, in order.
  ASSERT_TRUE(client->SendAll(bytes));
  for (int i = 0; i < kFrames; ++i) {
    ASSERT_EQ(client->ReadFrame(), Numbered("f", i));
  }
  EXPECT_EQ(scripted_.requests(), kFrames);
}

TEST_F(ServerFramingTest, TenMebibyteFrameIsEchoedWhole) {
  StartWith(&scripted_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  std::string body(10 << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 131 + (i >> 12));
  ASSERT_TRUE(client->SendFrame(body));
  const std::optional<std::string> echoed = client->ReadFrame();
  ASSERT_TRUE(echoed.has_value());
  EXPECT_TRUE(*echoed == body);
}

TEST_F(ServerFramingTest, NegativeSizeClosesTheConnectionOnly) {
  StartWith(&scripted_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendAll(std::string("\xff\xff\xff\xfe", 4)));
  EXPECT_TRUE(client->WaitForClose());
  EXPECT_EQ(scripted_.requests(), 0);
  ExpectServerStillServes();
}

TEST_F(ServerFramingTest, SizeAboveTheLimitClosesTheConnectionOnly) {
  ServerOptions options = LoopbackOptions();
  options.max_request_bytes = 1 << 20;
  StartWith(&scripted_, options);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  // A frame at the limit passes.
  ASSERT_TRUE(client->SendFrame(std::string(1 << 20, 'x')));
  EXPECT_EQ(client->ReadFrame()->size(), 1u << 20);
  // One byte more closes, before the body is ever sent.
  ASSERT_TRUE(client->SendAll(EncodeFrame(std::string((1 << 20) + 1, 'x')).substr(0, 4)));
  EXPECT_TRUE(client->WaitForClose());
  ExpectServerStillServes();
}

TEST_F(ServerFramingTest, HugeSizeWithTheDefaultLimitCloses) {
  StartWith(&scripted_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SendAll(std::string("\x7f\xff\xff\xff", 4)));
  EXPECT_TRUE(client->WaitForClose());
  ExpectServerStillServes();
}

TEST_F(ServerFramingTest, GarbageClosesTheConnection) {
  StartWith(&scripted_);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  // An HTTP request: its first four bytes read as a size of about 1.2 GB.
  ASSERT_TRUE(client->SendAll("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  EXPECT_TRUE(client->WaitForClose());
  EXPECT_EQ(scripted_.requests(), 0);
  ExpectServerStillServes();
}

TEST_F(ServerFramingTest, ConnectionStopsReadingAtTheInflightBound) {
  ServerOptions options = LoopbackOptions();
  options.max_inflight_per_connection = 10;
  StartWith(&held_, options);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  std::string bytes;
  for (int i = 0; i < 25; ++i) bytes += EncodeFrame(Numbered("q", i));
  ASSERT_TRUE(client->SendAll(bytes));

  ASSERT_TRUE(held_.WaitForRequests(10));
  // Give the server time to (wrongly) hand out more.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(held_.total(), 10);

  // Answering lets the rest through, a bound's worth at a time.
  int answered = 0;
  while (answered < 25) {
    ASSERT_TRUE(held_.WaitForRequests(std::min(25, answered + 10)));
    for (HeldHandler::Held& held : held_.Take()) {
      held.reply(BytesReply(held.frame));
      ++answered;
    }
  }
  for (int i = 0; i < 25; ++i) EXPECT_EQ(client->ReadFrame(), Numbered("q", i));
}

}  // namespace
}  // namespace ringlog::testing
