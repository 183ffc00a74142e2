#include "net/cluster/zk_client.h"

#include <glog/logging.h>
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace ringlog {
namespace {

using Clock = std::chrono::steady_clock;

// A non-null pointer for empty data: the C client writes a null pointer as "no data"
// (length -1), which other clients read differently from an empty value.
const char* Bytes(std::string_view data) { return data.data() == nullptr ? "" : data.data(); }

// How often Connect says it is still waiting.
constexpr auto kConnectLogInterval = std::chrono::seconds(3);
// The first buffer a Get reads into; a larger node is read again at its size.
constexpr int kGetBuffer = 16 * 1024;

ZkCode CodeOf(int rc) {
  switch (rc) {
    case ZOK:
      return ZkCode::kOk;
    case ZNONODE:
      return ZkCode::kNoNode;
    case ZNODEEXISTS:
      return ZkCode::kNodeExists;
    case ZBADVERSION:
      return ZkCode::kBadVersion;
    case ZNOTEMPTY:
      return ZkCode::kNotEmpty;
    case ZCONNECTIONLOSS:
    case ZOPERATIONTIMEOUT:
    case ZSESSIONMOVED:
      return ZkCode::kConnectionLoss;
    case ZSESSIONEXPIRED:
    // The C client's answer once its handle is unrecoverable; without authentication
    // that means the session expired.
    case ZINVALIDSTATE:
      return ZkCode::kSessionExpired;
    default:
      return ZkCode::kError;
  }
}

ZkStatus Check(int rc, std::string_view op, const std::string& path) {
  if (rc == ZOK) return {};
  return {CodeOf(rc), std::string(op) + " " + path + ": " + zerror(rc)};
}

ZkStat StatOf(const Stat& stat) {
  return {.version = stat.version,
          .num_children = stat.numChildren,
          .ephemeral_owner = stat.ephemeralOwner,
          .czxid = stat.czxid,
          .mzxid = stat.mzxid};
}

// The C client logs to stderr, at ERROR ten lines a second while a server refuses
// connections and one at every close. Its lines go to glog's verbose log (--v=1); the
// client logs the connection's state changes itself.
void LogFromClient(const char* message) { VLOG(1) << "zookeeper client: " << message; }

// Splits "host:port[,host:port...][/chroot]"; false when malformed.
bool ParseConnect(std::string_view connect, std::string* hosts, std::string* chroot) {
  size_t slash = connect.find('/');
  *hosts = std::string(connect.substr(0, slash));
  *chroot = slash == std::string_view::npos ? "" : std::string(connect.substr(slash));
  if (hosts->empty()) return false;
  std::string_view rest = *hosts;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view host = rest.substr(0, comma);
    size_t colon = host.rfind(':');
    int port = 0;
    std::string_view port_text =
        colon == std::string_view::npos ? std::string_view() : host.substr(colon + 1);
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (colon == 0 || colon == std::string_view::npos || ec != std::errc() ||
        end != port_text.data() + port_text.size() || port <= 0 || port > 65535) {
      return false;
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (chroot->size() > 1 && (chroot->back() == '/' || chroot->find("//") != std::string::npos)) {
    return false;
  }
  if (*chroot == "/") chroot->clear();
  return true;
}

// Listener calls waiting for the dispatch thread. Shared with that thread so that it
// stays valid when the client is destroyed from a listener call (on the thread itself).
struct Dispatch {
  struct Event {
    bool expired = false;
    std::string path;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> events;
  bool stop = false;
  ZkListener* const listener;

  explicit Dispatch(ZkListener* l) : listener(l) {}
  void Push(Event event) {
    std::lock_guard lock(mu);
    events.push_back(std::move(event));
    cv.notify_one();
  }
};

void DispatchLoop(std::shared_ptr<Dispatch> dispatch) {
  std::unique_lock lock(dispatch->mu);
  while (true) {
    dispatch->cv.wait(lock, [&] { return dispatch->stop || !dispatch->events.empty(); });
    if (dispatch->stop) return;
    Dispatch::Event event = std::move(dispatch->events.front());
    dispatch->events.pop_front();
    lock.unlock();
    if (dispatch->listener != nullptr && event.expired) {
      dispatch->listener->OnSessionExpired();
    } else if (dispatch->listener != nullptr) {
      dispatch->listener->OnWatch(event.path);
    }
    lock.lock();
  }
}

class ZkClientImpl final : public ZkClient {
 public:
  ZkClientImpl(std::string connect, ZkListener* listener)
      : connect_(std::move(connect)),
        dispatch_(std::make_shared<Dispatch>(listener)),
        dispatch_thread_(DispatchLoop, dispatch_) {}

  ~ZkClientImpl() override {
    // After zookeeper_close returns the C client's threads are gone: no more Watcher calls.
    if (zh_ != nullptr) zookeeper_close(zh_);
    {
      std::lock_guard lock(dispatch_->mu);
      dispatch_->stop = true;
      dispatch_->cv.notify_one();
    }
    if (std::this_thread::get_id() == dispatch_thread_.get_id()) {
      dispatch_thread_.detach();
    } else {
      dispatch_thread_.join();
    }
  }

  // Starts the session and waits until it is established or `deadline` passes.
  Status Open(const std::string& hosts_and_chroot, int session_timeout_ms, int timeout_ms,
              Clock::time_point deadline) {
    zh_ = zookeeper_init2(hosts_and_chroot.c_str(), Watcher, session_timeout_ms, nullptr, this, 0,
                          LogFromClient);
    if (zh_ == nullptr) {
      const int err = errno;
      return Status::IOError("could not start a ZooKeeper client for " + connect_, err);
    }
    const auto start = Clock::now();
    auto next_log = start + kConnectLogInterval;
    std::unique_lock lock(state_mu_);
    while (state_ != ZOO_CONNECTED_STATE) {
      if (state_ == ZOO_EXPIRED_SESSION_STATE || state_ == ZOO_AUTH_FAILED_STATE) break;
      const auto now = Clock::now();
      if (now >= deadline) break;
      if (now >= next_log) {
        LOG(WARNING) << "ZooKeeper at " << connect_ << " does not answer yet ("
                     << std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count()
                     << " ms; giving up after " << timeout_ms << " ms)";
        next_log += kConnectLogInterval;
      }
      state_cv_.wait_until(lock, std::min(deadline, next_log));
    }
    if (state_ != ZOO_CONNECTED_STATE) {
      return Status::IOError("could not connect to ZooKeeper at " + connect_ + " within " +
                             std::to_string(timeout_ms) + " ms");
    }
    return Status::OK();
  }

  ZkStatus Create(const std::string& path, std::string_view data, bool ephemeral) override {
    int rc =
        zoo_create(zh_, path.c_str(), Bytes(data), static_cast<int>(data.size()),
                   &ZOO_OPEN_ACL_UNSAFE, ephemeral ? ZOO_EPHEMERAL : ZOO_PERSISTENT, nullptr, 0);
    return Check(rc, "create", path);
  }

  ZkStatus CreateRecursive(const std::string& path) override {
    if (path.empty() || path[0] != '/') return Check(ZBADARGUMENTS, "create", path);
    for (size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
      const std::string prefix = path.substr(0, end);
      if (prefix != "/") {
        ZkStatus status = Create(prefix, "", false);
        if (!status.ok() && status.code != ZkCode::kNodeExists) return status;
      }
      if (end == std::string::npos) return {};
    }
  }

  ZkStatus Get(const std::string& path, std::string* data, ZkStat* stat, bool watch) override {
    std::string buffer(kGetBuffer, '\0');
    Stat node{};
    while (true) {
      int length = static_cast<int>(buffer.size());
      int rc = zoo_get(zh_, path.c_str(), watch ? 1 : 0, buffer.data(), &length, &node);
      if (rc != ZOK) return Check(rc, "get", path);
      if (node.dataLength <= static_cast<int>(buffer.size())) {
        buffer.resize(static_cast<size_t>(std::max(length, 0)));
        break;
      }
      // The node outgrew the buffer: read again at its size (the watch, if any, is the
      // same one).
      buffer.assign(static_cast<size_t>(node.dataLength), '\0');
    }
    if (data != nullptr) *data = std::move(buffer);
    if (stat != nullptr) *stat = StatOf(node);
    return {};
  }

  ZkStatus Exists(const std::string& path, ZkStat* stat, bool watch) override {
    Stat node{};
    int rc = zoo_exists(zh_, path.c_str(), watch ? 1 : 0, &node);
    if (rc == ZOK && stat != nullptr) *stat = StatOf(node);
    return Check(rc, "exists", path);
  }

  ZkStatus GetChildren(const std::string& path, std::vector<std::string>* children,
                       bool watch) override {
    String_vector names{};
    int rc = zoo_get_children(zh_, path.c_str(), watch ? 1 : 0, &names);
    if (rc != ZOK) return Check(rc, "get children of", path);
    children->assign(names.data, names.data + names.count);
    deallocate_String_vector(&names);
    std::sort(children->begin(), children->end());
    return {};
  }

  ZkStatus SetData(const std::string& path, std::string_view data, int32_t version,
                   ZkStat* stat) override {
    Stat node{};
    int rc =
        zoo_set2(zh_, path.c_str(), Bytes(data), static_cast<int>(data.size()), version, &node);
    if (rc == ZOK && stat != nullptr) *stat = StatOf(node);
    return Check(rc, "set", path);
  }

  ZkStatus Delete(const std::string& path, int32_t version) override {
    return Check(zoo_delete(zh_, path.c_str(), version), "delete", path);
  }

  ZkStatus Multi(std::span<const ZkOp> ops, size_t* failed_index) override;

  int64_t session_id() const override { return zoo_client_id(zh_)->client_id; }
  int session_timeout_ms() const override { return zoo_recv_timeout(zh_); }
  std::string session_password() const override {
    const clientid_t* id = zoo_client_id(zh_);
    return std::string(id->passwd, sizeof(id->passwd));
  }

 private:
  // The one watcher of the handle, for session events and every watch: the C client
  // keeps one registration per path and watcher, so a path's watch fires once however
  // often it was armed. Runs on the C client's completion thread: it only records and
  // queues.
  static void Watcher(zhandle_t*, int type, int state, const char* path, void* context) {
    auto* self = static_cast<ZkClientImpl*>(context);
    if (type == ZOO_SESSION_EVENT) {
      int previous = 0;
      {
        std::lock_guard lock(self->state_mu_);
        previous = self->state_;
        self->state_ = state;
        self->state_cv_.notify_all();
      }
      if (previous == ZOO_CONNECTED_STATE && state == ZOO_CONNECTING_STATE) {
        LOG(WARNING) << "lost the connection to ZooKeeper at " << self->connect_
                     << "; reconnecting within the session";
      } else if (previous == ZOO_CONNECTING_STATE && state == ZOO_CONNECTED_STATE) {
        LOG(INFO) << "connected to ZooKeeper at " << self->connect_;
      }
      if (state == ZOO_EXPIRED_SESSION_STATE && !self->expired_) {
        self->expired_ = true;
        self->dispatch_->Push({.expired = true});
      }
      return;
    }
    if (type == ZOO_CREATED_EVENT || type == ZOO_DELETED_EVENT || type == ZOO_CHANGED_EVENT ||
        type == ZOO_CHILD_EVENT) {
      self->dispatch_->Push({.expired = false, .path = path == nullptr ? "" : path});
    }
  }

  const std::string connect_;
  zhandle_t* zh_ = nullptr;
  std::mutex state_mu_;
  std::condition_variable state_cv_;
  int state_ = 0;         // the last session state the C client reported
  bool expired_ = false;  // only touched on the completion thread
  std::shared_ptr<Dispatch> dispatch_;
  std::thread dispatch_thread_;
};

ZkStatus ZkClientImpl::Multi(std::span<const ZkOp> ops, size_t* failed_index) {
  if (ops.empty()) return {};
  // Storage the C client writes results into; sized up front so nothing moves.
  std::vector<zoo_op_t> zoo_ops(ops.size());
  std::vector<zoo_op_result_t> results(ops.size());
  std::vector<Stat> stats(ops.size());
  std::vector<std::string> created(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const ZkOp& op = ops[i];
    const char* path = op.path.c_str();
    switch (op.kind) {
      case ZkOp::Kind::kCreate:
        created[i].assign(op.path.size() + 1, '\0');
        zoo_create_op_init(&zoo_ops[i], path, op.data.data(), static_cast<int>(op.data.size()),
                           &ZOO_OPEN_ACL_UNSAFE, op.ephemeral ? ZOO_EPHEMERAL : ZOO_PERSISTENT,
                           created[i].data(), static_cast<int>(created[i].size()));
        break;
      case ZkOp::Kind::kDelete:
        zoo_delete_op_init(&zoo_ops[i], path, op.version);
        break;
      case ZkOp::Kind::kSetData:
        zoo_set_op_init(&zoo_ops[i], path, op.data.data(), static_cast<int>(op.data.size()),
                        op.version, &stats[i]);
        break;
      case ZkOp::Kind::kCheck:
        zoo_check_op_init(&zoo_ops[i], path, op.version);
        break;
    }
  }
  int rc = zoo_multi(zh_, static_cast<int>(ops.size()), zoo_ops.data(), results.data());
  if (rc == ZOK) return {};
  // The failing operation carries its own error; the others read ok (rolled back) or
  // "runtime inconsistency" (not tried).
  for (size_t i = 0; i < ops.size(); ++i) {
    int err = results[i].err;
    if (err != ZOK && err != ZRUNTIMEINCONSISTENCY) {
      if (failed_index != nullptr) *failed_index = i;
      return Check(err, "multi op " + std::to_string(i) + " on", ops[i].path);
    }
  }
  if (failed_index != nullptr) *failed_index = ops.size();
  return Check(rc, "multi of " + std::to_string(ops.size()) + " ops from", ops[0].path);
}

}  // namespace

Status ZkStatus::ToStatus() const {
  switch (code) {
    case ZkCode::kOk:
      return Status::OK();
    case ZkCode::kNoNode:
      return Status::NotFound(message);
    case ZkCode::kNodeExists:
      return Status::AlreadyExists(message);
    case ZkCode::kConnectionLoss:
    case ZkCode::kSessionExpired:
      return Status::Busy(message);
    default:
      return Status::IOError(message);
  }
}

ZkOp ZkOp::Create(std::string path, std::string data, bool ephemeral) {
  return {.kind = Kind::kCreate,
          .path = std::move(path),
          .data = std::move(data),
          .ephemeral = ephemeral};
}
ZkOp ZkOp::Delete(std::string path, int32_t version) {
  return {.kind = Kind::kDelete, .path = std::move(path), .version = version};
}
ZkOp ZkOp::SetData(std::string path, std::string data, int32_t version) {
  return {
      .kind = Kind::kSetData, .path = std::move(path), .data = std::move(data), .version = version};
}
ZkOp ZkOp::Check(std::string path, int32_t version) {
  return {.kind = Kind::kCheck, .path = std::move(path), .version = version};
}

Result<std::unique_ptr<ZkClient>> ZkClient::Connect(const ZkClientOptions& options,
                                                    ZkListener* listener) {
  std::string hosts;
  std::string chroot;
  if (!ParseConnect(options.connect, &hosts, &chroot)) {
    return Status::InvalidArgument("malformed ZooKeeper connect string '" + options.connect +
                                   "' (want host:port[,host:port...][/chroot])");
  }
  zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.connection_timeout_ms);
  auto client = std::make_unique<ZkClientImpl>(options.connect, listener);
  Status opened = client->Open(hosts + chroot, options.session_timeout_ms,
                               options.connection_timeout_ms, deadline);
  if (!opened.ok()) return opened;
  if (chroot.empty()) return std::unique_ptr<ZkClient>(std::move(client));

  // "/" under a chroot is the chroot itself. A missing one is made by a session outside
  // it; the rooted session sees it at once.
  ZkStatus root = client->Exists("/", nullptr, false);
  if (root.code == ZkCode::kNoNode) {
    ZkClientImpl outside(options.connect, nullptr);
    Status status =
        outside.Open(hosts, options.session_timeout_ms, options.connection_timeout_ms, deadline);
    if (!status.ok()) return status;
    root = outside.CreateRecursive(chroot);
  }
  if (!root.ok()) return root.ToStatus().WithContext("ZooKeeper chroot of " + options.connect);
  return std::unique_ptr<ZkClient>(std::move(client));
}

}  // namespace ringlog
