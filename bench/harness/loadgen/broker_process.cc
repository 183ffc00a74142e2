#include "bench/harness/loadgen/broker_process.h"

#include <fcntl.h>
#include <glog/logging.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "bench/harness/loadgen/free_port.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "net/server/unique_fd.h"

namespace ringlog::bench {
namespace {

using std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr auto kStopTimeout = std::chrono::seconds(30);
constexpr auto kPollInterval = std::chrono::milliseconds(20);

// Waits up to `timeout` for `pid` to exit; its wait status, or nullopt if still running.
std::optional<int> WaitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (true) {
    int wstatus = 0;
    const pid_t r = waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) return wstatus;
    if (r < 0) return 0;  // not our child any more: nothing to wait for
    if (steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

Result<std::unique_ptr<BrokerProcess>> BrokerProcess::Start(const BrokerOptions& options) {
  ASSIGN_OR_RETURN(const int port, FreeLoopbackPort());
  std::vector<std::string> args = {
      options.binary, "serve", "--listen=127.0.0.1:" + std::to_string(port),
      "--data_dir=" + options.data_dir, "--backend=" + options.backend};
  args.insert(args.end(), options.flags.begin(), options.flags.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log_path = options.data_dir + ".log";
  const int mode = options.append_log ? O_APPEND : O_TRUNC;
  UniqueFd log(open(log_path.c_str(), O_WRONLY | O_CREAT | mode | O_CLOEXEC, 0644));
  if (!log.valid()) return Status::IOError("open " + log_path, errno);

  const pid_t pid = fork();
  if (pid < 0) return Status::IOError("fork", errno);
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    dup2(log.get(), STDOUT_FILENO);
    dup2(log.get(), STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::unique_ptr<BrokerProcess> broker(new BrokerProcess(pid, port, log_path));
  const auto deadline = steady_clock::now() + kStartTimeout;
  while (true) {
    if (KafkaConnection::Connect(broker->host(), port).ok()) return broker;
    if (WaitForExit(pid, std::chrono::milliseconds(0)).has_value()) {
      broker->pid_ = -1;
      return Status::IOError("ringlog serve exited at start; see " + log_path);
    }
    if (steady_clock::now() >= deadline) {
      broker->Stop().IgnoreError();  // the timeout below is what the caller needs to know
      return Status::IOError("ringlog serve did not accept connections; see " + log_path);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

BrokerProcess::~BrokerProcess() {
  const Status status = Stop();
  if (!status.ok()) LOG(WARNING) << "stopping the broker: " << status.ToString();
}

Status BrokerProcess::Stop() {
  if (pid_ <= 0) return Status::OK();
  const pid_t pid = pid_;
  pid_ = -1;
  kill(pid, SIGTERM);
  std::optional<int> wstatus =
      WaitForExit(pid, std::chrono::duration_cast<std::chrono::milliseconds>(kStopTimeout));
  if (!wstatus.has_value()) {
    kill(pid, SIGKILL);
    WaitForExit(pid, std::chrono::milliseconds(5000));
    return Status::IOError("ringlog serve ignored SIGTERM and was killed; see " + log_path_);
  }
  if (!WIFEXITED(*wstatus) || WEXITSTATUS(*wstatus) != 0) {
    return Status::IOError("ringlog serve did not exit cleanly; see " + log_path_);
  }
  return Status::OK();
}

void BrokerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  // SIGKILL cannot be ignored; the wait only reaps the child.
  WaitForExit(pid_, std::chrono::duration_cast<std::chrono::milliseconds>(kStopTimeout));
  pid_ = -1;
}

double BrokerProcess::CpuSeconds() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(line.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;
  long utime = 0;
  long stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace ringlog::bench
