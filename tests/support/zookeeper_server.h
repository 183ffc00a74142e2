// A private ZooKeeper for C++ tests: bench's ZooKeeperProcess (Debian's standalone server
// in a child JVM on a free loopback port, tickTime 500 ms, so sessions may be as short as
// 1 s) with its data in a temporary directory.
//
// Tests of one binary share one server (Shared()) and keep apart by a chroot each
// (NewChroot()): starting a JVM takes seconds.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "bench/harness/loadgen/zookeeper_process.h"
#include "engine/status.h"
#include "net/cluster/zk_client.h"
#include "tests/support/temp_dir.h"

namespace ringlog::testing {

class ZooKeeperServer {
 public:
  // Starts a server and waits until it answers `ruok`. IOError naming the server's log
  // when it does not within a minute.
  static Result<std::unique_ptr<ZooKeeperServer>> Start();
  // One server for the whole process, started on first use (a failure to start is fatal)
  // and killed at exit. Call it from the test's own thread: the JVM is tied to the thread
  // that started it, so that it dies with the test process even on a crash.
  static ZooKeeperServer& Shared();

  // Kills the server and removes its directory.
  ~ZooKeeperServer();
  ZooKeeperServer(const ZooKeeperServer&) = delete;
  ZooKeeperServer& operator=(const ZooKeeperServer&) = delete;

  // Kills the server (SIGKILL, as a crash); its data and port stay for Restart().
  void Stop();
  // Starts the stopped server again on the same port and data.
  Status Restart();

  // "127.0.0.1:<port>"
  const std::string& connect_string() const { return process_->connect_string(); }
  int port() const { return process_->port(); }
  // connect_string() with a chroot of its own, "/<name>-<n>", unique in this process. The
  // chroot is created by the ZkClient that first connects to it.
  std::string NewChroot(std::string_view name);

 private:
  ZooKeeperServer() = default;

  TempDir dir_;  // outlives process_, which is killed first
  std::unique_ptr<bench::ZooKeeperProcess> process_;
  int chroots_ = 0;
};

// Ends `client`'s session on the server, as a second handle taking the session over with
// its credentials and closing it does. The server then drops the session, its ephemeral
// nodes and its watches; `client` learns of the expiry when it next hears from the server.
Status ExpireSession(const ZkClient& client, const std::string& connect);

}  // namespace ringlog::testing
