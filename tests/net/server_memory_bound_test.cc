// The server's bounds on request memory over loopback sockets: a size prefix alone takes
// nothing, a connection holds at most max_request_bytes of requests in flight, and a large
// request that meets a full pool waits, reading paused, until memory is released on another
// connection (another loop), then completes.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/server/request_memory_pool.h"
#include "net/server/server.h"
#include "tests/net/server_test_util.h"

namespace ringlog::testing {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * 1024;

std::string Body(size_t size, char seed) {
  std::string body(size, '\0');
  for (size_t i = 0; i < size; ++i) body[i] = static_cast<char>(seed + i % 97);
  return body;
}

// The 4-byte prefix of a frame of `size` bytes.
std::string SizePrefix(size_t size) {
  std::string prefix(4, '\0');
  StoreBigEndian(reinterpret_cast<uint8_t*>(prefix.data()), static_cast<int32_t>(size));
  return prefix;
}

// Waits up to the client timeout for `condition`.
bool Eventually(const std::function<bool()>& condition) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(kClientTimeoutSeconds);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class ServerMemoryBoundTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options) {
    server_ = std::make_unique<Server>(options, &held_);
    ASSERT_TRUE(server_->Start().ok());
  }
  std::unique_ptr<TestClient> Connect() {
    auto client = TestClient::Connect(server_->bound_port());
    EXPECT_NE(client, nullptr);
    return client;
  }
  const RequestMemoryPool& pool() const { return *server_->request_memory(); }

  HeldHandler held_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerMemoryBoundTest, APoolBelowOneMebibyteIsRefused) {
  ServerOptions options = LoopbackOptions();
  options.queued_max_request_bytes = 64 * kKiB;
  Server server(options, &held_);
  EXPECT_TRUE(server.Start().IsInvalidArgument());
}

TEST_F(ServerMemoryBoundTest, SizePrefixesAloneTakeNoMemory) {
  ServerOptions options = LoopbackOptions();
  options.max_request_bytes = 100 * kMiB;
  Start(options);
  std::vector<std::unique_ptr<TestClient>> announcers;
  for (int i = 0; i < 20; ++i) {
    announcers.push_back(Connect());
    ASSERT_TRUE(announcers.back()->SendAll(SizePrefix(100 * kMiB)));
  }
  auto client = Connect();
  ASSERT_TRUE(client->SendFrame("hello"));
  ASSERT_TRUE(held_.WaitForRequests(1));
  EXPECT_EQ(pool().used(), 5u) << "only the one whole request";
  held_.Take()[0].reply(BytesReply("hi"));
  EXPECT_EQ(client->ReadFrame(), "hi");
  EXPECT_TRUE(Eventually([this] { return pool().used() == 0; }));
}

TEST_F(ServerMemoryBoundTest, AConnectionHoldsAtMostMaxRequestBytesInFlight) {
  ServerOptions options = LoopbackOptions();
  options.max_request_bytes = 256 * kKiB;
  Start(options);
  auto client = Connect();
  const std::string first = Body(200 * kKiB, 'a');
  const std::string second = Body(200 * kKiB, 'b');
  std::thread sender(
      [&] { ASSERT_TRUE(client->SendAll(EncodeFrame(first) + EncodeFrame(second))); });
  ASSERT_TRUE(held_.WaitForRequests(1));
  // The second would take the connection past 256 KiB while the first awaits its reply.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(held_.total(), 1);
  std::vector<HeldHandler::Held> taken = held_.Take();
  EXPECT_TRUE(taken[0].frame == first);
  taken[0].reply(BytesReply("1"));
  ASSERT_TRUE(held_.WaitForRequests(2));
  taken = held_.Take();
  EXPECT_TRUE(taken[0].frame == second);
  taken[0].reply(BytesReply("2"));
  sender.join();
  EXPECT_EQ(client->ReadFrame(), "1");
  EXPECT_EQ(client->ReadFrame(), "2");
}

TEST_F(ServerMemoryBoundTest, ALargeRequestWaitsForMemoryReleasedOnAnotherConnection) {
  ServerOptions options = LoopbackOptions();    // two loops: the connections alternate
  options.queued_max_request_bytes = 1 * kMiB;  // bodies may fill 768 KiB of it
  options.max_request_bytes = 8 * kMiB;
  Start(options);

  // c announces 4 MiB and sends half: it takes the overdraft and stalls.
  auto c = Connect();
  const std::string c_body = Body(4 * kMiB, 'c');
  const std::string c_bytes = EncodeFrame(c_body);
  ASSERT_TRUE(c->SendAll(std::string_view(c_bytes).substr(0, 4 + 2 * kMiB)));
  ASSERT_TRUE(Eventually([this] { return pool().overdraft_bytes() >= 2 * kMiB; }));

  // a's 600 KiB request is handed out and awaits its reply, holding its memory.
  auto a = Connect();
  ASSERT_TRUE(a->SendFrame(Body(600 * kKiB, 'a')));
  ASSERT_TRUE(held_.WaitForRequests(1));
  std::vector<HeldHandler::Held> a_request = held_.Take();

  // b's 500 KiB request fits neither the rest of the pool nor the overdraft: it waits.
  auto b = Connect();
  const std::string b_body = Body(500 * kKiB, 'b');
  std::thread b_sender([&] { ASSERT_TRUE(b->SendFrame(b_body)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(held_.total(), 1);
  EXPECT_LE(pool().used(), 768 * kKiB);

  // a's reply gives its memory back; b resumes and completes.
  a_request[0].reply(BytesReply("a"));
  EXPECT_EQ(a->ReadFrame(), "a");
  ASSERT_TRUE(held_.WaitForRequests(2));
  b_sender.join();
  std::vector<HeldHandler::Held> b_request = held_.Take();
  EXPECT_TRUE(b_request[0].frame == b_body);
  b_request[0].reply(BytesReply("b"));
  EXPECT_EQ(b->ReadFrame(), "b");

  // c sends the rest and completes on the overdraft.
  ASSERT_TRUE(c->SendAll(std::string_view(c_bytes).substr(4 + 2 * kMiB)));
  ASSERT_TRUE(held_.WaitForRequests(3));
  std::vector<HeldHandler::Held> c_request = held_.Take();
  EXPECT_TRUE(c_request[0].frame == c_body);
  c_request[0].reply(BytesReply("c"));
  EXPECT_EQ(c->ReadFrame(), "c");
  EXPECT_TRUE(Eventually([this] { return pool().used() == 0 && pool().overdraft_bytes() == 0; }));
}

}  // namespace
}  // namespace ringlog::testing
