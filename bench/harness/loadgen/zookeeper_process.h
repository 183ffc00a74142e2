// ZooKeeperProcess: a private, standalone ZooKeeper for the cluster suites (and the
// cluster tests' tests/support/zookeeper_server.h): Debian's server (the `zookeeper`
// package, /usr/share/java/zookeeper.jar) in a child JVM on a loopback port, its
// configuration, data and log in a directory the caller owns.
//
// tickTime is 500 ms, so sessions may be as short as 1 s, and the server never fsyncs
// (its data is scratch). The JVM gets SIGKILL when the thread that started it exits
// (PR_SET_PDEATHSIG), so that it never outlives a crashed parent.
//
// Thread-compatible; start and stop it from one thread.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "engine/status.h"

namespace ringlog::bench {

class ZooKeeperProcess {
 public:
  // Writes <dir>/zoo.cfg, starts the server on a free loopback port with its data in
  // <dir>/data and its output in <dir>/zookeeper.out, and waits until it answers `ruok`.
  // `dir` must exist. IOError with the tail of the server's output when it exits or does
  // not answer within a minute.
  static Result<std::unique_ptr<ZooKeeperProcess>> Start(const std::string& dir);

  // Kills the server. The directory stays: it is the caller's.
  ~ZooKeeperProcess();
  ZooKeeperProcess(const ZooKeeperProcess&) = delete;
  ZooKeeperProcess& operator=(const ZooKeeperProcess&) = delete;

  // SIGKILL, as a crash; the data and the port stay for Restart(). Idempotent.
  void Kill();
  // Starts the killed server again on the same port and data. InvalidArgument when it
  // runs; otherwise as Start().
  Status Restart();

  // "127.0.0.1:<port>"
  const std::string& connect_string() const { return connect_; }
  int port() const { return port_; }

 private:
  ZooKeeperProcess(std::string dir, int port)
      : dir_(std::move(dir)), port_(port), connect_("127.0.0.1:" + std::to_string(port)) {}
  Status Launch();
  // The last couple of KiB of the server's output, for error messages.
  std::string OutputTail() const;

  const std::string dir_;
  const int port_;
  const std::string connect_;
  pid_t pid_ = -1;
};

}  // namespace ringlog::bench
