#include "bench/harness/loadgen/zookeeper_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "bench/harness/loadgen/free_port.h"
#include "net/server/unique_fd.h"

namespace ringlog::bench {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kPollInterval = std::chrono::milliseconds(100);
constexpr size_t kOutputTailBytes = 2000;

// Sends ZooKeeper's four-letter `ruok`; true when the answer is `imok`.
bool AnswersRuok(int port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  timeval timeout{.tv_sec = 2, .tv_usec = 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  char answer[4] = {};
  size_t got = 0;
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      write(fd.get(), "ruok", 4) == 4) {
    while (got < sizeof(answer)) {
      const ssize_t n = read(fd.get(), answer + got, sizeof(answer) - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
  }
  return got == sizeof(answer) && std::memcmp(answer, "imok", 4) == 0;
}

}  // namespace

Result<std::unique_ptr<ZooKeeperProcess>> ZooKeeperProcess::Start(const std::string& dir) {
  ASSIGN_OR_RETURN(const int port, FreeLoopbackPort());
  std::unique_ptr<ZooKeeperProcess> server(new ZooKeeperProcess(dir, port));
  const std::string config_path = dir + "/zoo.cfg";
  std::ofstream config(config_path);
  config << "tickTime=500\n"
         << "dataDir=" << dir << "/data\n"
         << "clientPort=" << port << "\n"
         << "clientPortAddress=127.0.0.1\n"
         << "minSessionTimeout=1000\nmaxSessionTimeout=60000\n"
         << "maxClientCnxns=0\npreAllocSize=1024\n"
         << "admin.enableServer=false\n4lw.commands.whitelist=ruok,srvr\n";
  config.close();
  if (!config) return Status::IOError("write " + config_path);
  RETURN_IF_ERROR(server->Launch());
  return server;
}

ZooKeeperProcess::~ZooKeeperProcess() { Kill(); }

Status ZooKeeperProcess::Launch() {
  // Everything the child needs is built before fork: between fork and exec only
  // async-signal-safe calls are allowed.
  const std::string log_path = dir_ + "/zookeeper.out";
  std::vector<std::string> args = {
      "/usr/bin/java",
      "-Xms16m",
      "-Xmx128m",
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-Dzookeeper.log.dir=" + dir_,
      // Scratch data needs no durability; fsyncs would only slow the brokers' sessions.
      "-Dzookeeper.forceSync=no",
      "-cp",
      "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar",
      "org.apache.zookeeper.server.quorum.QuorumPeerMain",
      dir_ + "/zoo.cfg",
  };
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) return Status::IOError("fork", errno);
  if (pid == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (AnswersRuok(port_)) return Status::OK();
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::IOError("ZooKeeper exited at start; " + log_path + ":\n" + OutputTail());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  Kill();
  return Status::IOError("ZooKeeper did not answer ruok on " + connect_ + "; " + log_path + ":\n" +
                         OutputTail());
}

void ZooKeeperProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int wstatus = 0;
  waitpid(pid_, &wstatus, 0);
  pid_ = -1;
}

Status ZooKeeperProcess::Restart() {
  if (pid_ > 0) return Status::InvalidArgument("ZooKeeper is running");
  return Launch();
}

std::string ZooKeeperProcess::OutputTail() const {
  std::ifstream log(dir_ + "/zookeeper.out");
  std::stringstream text;
  text << log.rdbuf();
  const std::string all = text.str();
  return all.size() > kOutputTailBytes ? all.substr(all.size() - kOutputTailBytes) : all;
}

}  // namespace ringlog::bench
