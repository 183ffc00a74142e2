// BrokerProcess: a `ringlog serve` child process, the broker under test of the network
// suites. A separate process keeps the load generator's CPU time apart from the
// broker's and runs exactly what users run.
//
// Start() picks a free loopback port, starts the binary with --listen on it plus the
// given flags, and returns once the broker accepts connections. The broker's stderr goes
// to <data_dir>.log for post-mortems. Stop() (also run by the destructor) sends SIGTERM,
// waits for a clean exit, and kills the broker when it does not exit in time. Kill() is
// the crash: SIGKILL, no chance to flush or to close its ZooKeeper session.
//
// Thread-compatible.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/status.h"

namespace ringlog::bench {

struct BrokerOptions {
  std::string binary;    // the `ringlog` executable
  std::string data_dir;  // created by the broker when missing
  std::string backend = "uring";
  // More `--flag=value` arguments, e.g. "--zero_copy=false".
  std::vector<std::string> flags;
  // Appends to <data_dir>.log instead of truncating it: a restart keeps the earlier
  // run's log beside its own.
  bool append_log = false;
};

class BrokerProcess {
 public:
  // IOError when the process cannot start, exits early, or does not accept connections
  // within a few seconds (the log file's path is in the message).
  static Result<std::unique_ptr<BrokerProcess>> Start(const BrokerOptions& options);

  ~BrokerProcess();
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;

  // SIGTERM, then SIGKILL after a grace period; IOError when the exit was not clean.
  // Idempotent.
  Status Stop();
  // SIGKILL, and waits until the process is gone. Idempotent.
  void Kill();

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // False once stopped or killed.
  bool running() const { return pid_ > 0; }
  // User + system CPU seconds the broker has used so far (from /proc); 0 once stopped.
  double CpuSeconds() const;

 private:
  BrokerProcess(pid_t pid, int port, std::string log_path)
      : pid_(pid), port_(port), log_path_(std::move(log_path)) {}

  pid_t pid_;
  const std::string host_ = "127.0.0.1";
  const int port_;
  const std::string log_path_;
};

}  // namespace ringlog::bench
