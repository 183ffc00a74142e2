#include "tests/support/zookeeper_server.h"

#include <glog/logging.h>
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>

namespace ringlog::testing {

Result<std::unique_ptr<ZooKeeperServer>> ZooKeeperServer::Start() {
  std::unique_ptr<ZooKeeperServer> server(new ZooKeeperServer());
  ASSIGN_OR_RETURN(server->process_, bench::ZooKeeperProcess::Start(server->dir_.path()));
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

void ZooKeeperServer::Stop() {
  if (process_ != nullptr) process_->Kill();
}

Status ZooKeeperServer::Restart() { return process_->Restart(); }

std::string ZooKeeperServer::NewChroot(std::string_view name) {
  return connect_string() + "/" + std::string(name) + "-" + std::to_string(++chroots_);
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
