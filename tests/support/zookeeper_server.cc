#include "tests/support/zookeeper_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace ringlog::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);

// A port nobody listens on now (the kernel's pick for an ephemeral bind).
Result<int> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::IOError("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    return Status::IOError("bind a free port", err);
  }
  ::close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

// Sends ZooKeeper's four-letter `ruok`; true when the answer is `imok`.
bool AnswersRuok(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  timeval timeout{.tv_sec = 2, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  char answer[4] = {};
  size_t got = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::write(fd, "ruok", 4) == 4) {
    while (got < sizeof(answer)) {
      ssize_t n = ::read(fd, answer + got, sizeof(answer) - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
  }
  ::close(fd);
  return got == sizeof(answer) && std::memcmp(answer, "imok", 4) == 0;
}

}  // namespace

Result<std::unique_ptr<ZooKeeperServer>> ZooKeeperServer::Start() {
  std::unique_ptr<ZooKeeperServer> server(new ZooKeeperServer());
  Result<int> port = FreePort();
  if (!port.ok()) return port.status();
  server->port_ = *port;
  server->connect_ = "127.0.0.1:" + std::to_string(server->port_);
  std::ofstream config(server->dir_.Sub("zoo.cfg"));
  config << "tickTime=500\n"
         << "dataDir=" << server->dir_.Sub("data") << "\n"
         << "clientPort=" << server->port_ << "\n"
         << "clientPortAddress=127.0.0.1\n"
         << "minSessionTimeout=1000\nmaxSessionTimeout=60000\n"
         << "maxClientCnxns=0\npreAllocSize=1024\n"
         << "admin.enableServer=false\n4lw.commands.whitelist=ruok,srvr\n";
  config.close();
  if (!config) return Status::IOError("write " + server->dir_.Sub("zoo.cfg"));
  Status launched = server->Launch();
  if (!launched.ok()) return launched;
  return server;
}

ZooKeeperServer& ZooKeeperServer::Shared() {
  static std::unique_ptr<ZooKeeperServer> shared = [] {
    Result<std::unique_ptr<ZooKeeperServer>> server = Start();
    CHECK(server.ok()) << "private ZooKeeper: " << server.status().ToString();
    return std::move(*server);
  }();
  return *shared;
}

ZooKeeperServer::~ZooKeeperServer() { Stop(); }

Status ZooKeeperServer::Launch() {
  // Everything the child needs is built before fork: between fork and exec only
  // async-signal-safe calls are allowed.
  const std::string log_path = dir_.Sub("zookeeper.out");
  std::vector<std::string> args = {
      "/usr/bin/java",
      "-Xms16m",
      "-Xmx128m",
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-Dzookeeper.log.dir=" + dir_.path(),
      // Tests need no durability from ZooKeeper; fsyncs would only slow them.
      "-Dzookeeper.forceSync=no",
      "-cp",
      "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar",
      "org.apache.zookeeper.server.quorum.QuorumPeerMain",
      dir_.Sub("zoo.cfg"),
  };
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) return Status::IOError("fork", errno);
  if (pid == 0) {
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (AnswersRuok(port_)) return Status::OK();
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::IOError("ZooKeeper exited at start; " + log_path + ":\n" + LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Stop();
  return Status::IOError("ZooKeeper did not answer ruok on " + connect_ + "; " + log_path + ":\n" +
                         LogTail());
}

void ZooKeeperServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid_, &wstatus, 0);
  pid_ = -1;
}

Status ZooKeeperServer::Restart() {
  if (pid_ > 0) return Status::InvalidArgument("ZooKeeper is running");
  return Launch();
}

std::string ZooKeeperServer::NewChroot(std::string_view name) {
  return connect_ + "/" + std::string(name) + "-" + std::to_string(++chroots_);
}

std::string ZooKeeperServer::LogTail() const {
  std::ifstream log(dir_.Sub("zookeeper.out"));
  std::stringstream text;
  text << log.rdbuf();
  std::string all = text.str();
  constexpr size_t kTail = 2000;
  return all.size() > kTail ? all.substr(all.size() - kTail) : all;
}

namespace {

struct ConnectWait {
  std::mutex mu;
  std::condition_variable cv;
  int state = 0;
};

void OnSessionEvent(zhandle_t*, int type, int state, const char*, void* context) {
  if (type != ZOO_SESSION_EVENT) return;
  auto* wait = static_cast<ConnectWait*>(context);
  std::lock_guard lock(wait->mu);
  wait->state = state;
  wait->cv.notify_all();
}

// The C client would print an error when the server closes the session's connection.
void QuietLog(const char* message) { VLOG(1) << "zookeeper client: " << message; }

// Opens a handle on the session `id` and closes it at once; the state the handle reached
// (connected: it held the session; expired: the session was gone), 0 when neither came.
Result<int> TakeOverAndClose(const std::string& hosts, const clientid_t& id, int timeout_ms) {
  ConnectWait wait;
  zhandle_t* handle =
      zookeeper_init2(hosts.c_str(), OnSessionEvent, timeout_ms, &id, &wait, 0, QuietLog);
  if (handle == nullptr) {
    const int err = errno;
    return Status::IOError("zookeeper_init " + hosts, err);
  }
  int state = 0;
  {
    std::unique_lock lock(wait.mu);
    wait.cv.wait_for(lock, std::chrono::seconds(10), [&] {
      return wait.state == ZOO_CONNECTED_STATE || wait.state == ZOO_EXPIRED_SESSION_STATE;
    });
    state = wait.state;
  }
  zookeeper_close(handle);
  return state;
}

}  // namespace

Status ExpireSession(const ZkClient& client, const std::string& connect) {
  clientid_t id{};
  id.client_id = client.session_id();
  const std::string password = client.session_password();
  if (password.size() != sizeof(id.passwd)) {
    return Status::InvalidArgument("a ZooKeeper session password has 16 bytes");
  }
  std::memcpy(id.passwd, password.data(), sizeof(id.passwd));
  const std::string hosts = connect.substr(0, connect.find('/'));
  // The server hands the session to the newest connection and drops the older one, whose
  // client at once reconnects and may take the session back before the close arrives.
  // Until a handle finds the session gone, take it over and close it again.
  for (int attempt = 0; attempt < 20; ++attempt) {
    Result<int> state = TakeOverAndClose(hosts, id, client.session_timeout_ms());
    if (!state.ok()) return state.status();
    if (*state == ZOO_EXPIRED_SESSION_STATE) return Status::OK();
    if (*state != ZOO_CONNECTED_STATE) break;
  }
  return Status::IOError("could not end session " + std::to_string(id.client_id) + " on " + hosts);
}

}  // namespace ringlog::testing
