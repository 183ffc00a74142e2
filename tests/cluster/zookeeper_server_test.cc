// The private ZooKeeper of the cluster tests: it answers, stops like a crash, and comes
// back on the same port.
#include "tests/support/zookeeper_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ringlog::testing {
namespace {

// True when something accepts connections on the loopback `port`.
bool Listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return connected;
}

TEST(ZooKeeperServerTest, StartsStopsAndRestartsOnItsPort) {
  Result<std::unique_ptr<ZooKeeperServer>> server = ZooKeeperServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const int port = (*server)->port();
  EXPECT_EQ((*server)->connect_string(), "127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(Listening(port));
  EXPECT_NE((*server)->NewChroot("t"), (*server)->NewChroot("t"));

  (*server)->Stop();
  EXPECT_FALSE(Listening(port));
  Status restarted = (*server)->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  EXPECT_TRUE(Listening(port));
}

}  // namespace
}  // namespace ringlog::testing
