// ZkClient: one session with a ZooKeeper ensemble, through ZooKeeper's C client
// (libzookeeper_mt). Calls are synchronous and return a ZkStatus; nothing throws.
//
// Watches are one-shot, as ZooKeeper's are. A read asked with `watch` arms one on the path;
// when it fires, the listener's OnWatch runs with the path. Listener calls run on the
// client's own dispatch thread, one at a time and in ZooKeeper's order, so a listener may
// call back into the client (the C client's completion thread, which must never block on
// a synchronous call, is not used for them).
//
// Session: Connect waits until the session is established. A connection lost within the
// session is re-established by the C client; calls meanwhile fail with kConnectionLoss and
// may be retried. Once the session expires (the ensemble has dropped it, and every
// ephemeral node and watch of it with it) every call fails with kSessionExpired and the
// listener's OnSessionExpired runs once; the owner then makes a new ZkClient.
//
// Thread safety: thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ringlog {

enum class ZkCode {
  kOk,
  kNoNode,          // the node (or, for Create, its parent) does not exist
  kNodeExists,      // Create of a node that exists
  kBadVersion,      // a conditional write whose expected version did not match
  kNotEmpty,        // Delete of a node with children
  kConnectionLoss,  // no answer: the call may or may not have been applied; retry
  kSessionExpired,  // the session is gone; make a new client
  kError,           // anything else (bad arguments, auth, marshalling)
};

struct ZkStatus {
  ZkCode code = ZkCode::kOk;
  std::string message;  // names the operation and the path

  bool ok() const { return code == ZkCode::kOk; }
  // For crossing into code that speaks Status: kNoNode -> NotFound, kNodeExists ->
  // AlreadyExists, kConnectionLoss/kSessionExpired -> Busy, others -> IOError.
  Status ToStatus() const;
};

// What a node looked like when read (ZooKeeper's Stat, the fields ringlog uses).
struct ZkStat {
  int32_t version = -1;  // data version: the expected version of a conditional write
  int32_t num_children = 0;
  int64_t ephemeral_owner = 0;  // session id of an ephemeral node's owner, 0 when persistent
  int64_t czxid = 0;            // the transaction that created the node
  int64_t mzxid = 0;            // the transaction that last changed its data
};

// One operation of a Multi.
struct ZkOp {
  enum class Kind { kCreate, kDelete, kSetData, kCheck };
  Kind kind = Kind::kCheck;
  std::string path;
  std::string data;        // kCreate, kSetData
  int32_t version = -1;    // kDelete, kSetData, kCheck: the expected data version; -1: any
  bool ephemeral = false;  // kCreate

  static ZkOp Create(std::string path, std::string data, bool ephemeral = false);
  static ZkOp Delete(std::string path, int32_t version = -1);
  static ZkOp SetData(std::string path, std::string data, int32_t version = -1);
  static ZkOp Check(std::string path, int32_t version);
};

class ZkListener {
 public:
  virtual ~ZkListener() = default;
  // A watch armed on `path` fired (its data, existence or children changed).
  virtual void OnWatch(const std::string& path) = 0;
  // The session expired; the client is of no further use.
  virtual void OnSessionExpired() = 0;
};

struct ZkClientOptions {
  // "host:port[,host:port...][/chroot]", Kafka's zookeeper.connect. A chroot that does not
  // exist yet is created (persistent, empty) on connect.
  std::string connect;
  int session_timeout_ms = 6000;
  // How long Connect keeps trying before it gives up.
  int connection_timeout_ms = 18000;
};

class ZkClient {
 public:
  // Opens a session. Logs a line every few seconds while the ensemble does not answer;
  // IOError naming the connect string after options.connection_timeout_ms; InvalidArgument
  // for a malformed connect string. `listener` (may be null) must outlive the client.
  static Result<std::unique_ptr<ZkClient>> Connect(const ZkClientOptions& options,
                                                   ZkListener* listener);
  // Closes the session (its ephemeral nodes go at once) and stops the dispatch thread.
  virtual ~ZkClient() = default;

  // `data` may be empty. kNodeExists when the node exists, kNoNode when its parent does not.
  virtual ZkStatus Create(const std::string& path, std::string_view data, bool ephemeral) = 0;
  // Creates `path` and the missing nodes above it, persistent and empty; ok when it exists.
  virtual ZkStatus CreateRecursive(const std::string& path) = 0;
  virtual ZkStatus Get(const std::string& path, std::string* data, ZkStat* stat, bool watch) = 0;
  // kNoNode when absent; with `watch` the watch is armed either way (fires on creation).
  virtual ZkStatus Exists(const std::string& path, ZkStat* stat, bool watch) = 0;
  // Child names (not paths), sorted.
  virtual ZkStatus GetChildren(const std::string& path, std::vector<std::string>* children,
                               bool watch) = 0;
  // `version` -1: unconditional. `stat` (may be null) receives the node after the write.
  virtual ZkStatus SetData(const std::string& path, std::string_view data, int32_t version,
                           ZkStat* stat = nullptr) = 0;
  virtual ZkStatus Delete(const std::string& path, int32_t version = -1) = 0;
  // All of `ops` or none, atomically. On failure the code is that of the first failing
  // operation and `failed_index` (may be null) its index; ops.size() when no operation
  // failed but the call did (connection loss, session expiry).
  virtual ZkStatus Multi(std::span<const ZkOp> ops, size_t* failed_index = nullptr) = 0;

  // The session id (ephemeral_owner of the nodes this session made).
  virtual int64_t session_id() const = 0;
  // The timeout the ensemble granted (it may differ from the asked one).
  virtual int session_timeout_ms() const = 0;
  // The session's password (16 bytes): with session_id(), what a second handle needs to
  // take the session over. Tests use it to end a session on purpose
  // (tests/support/zookeeper_server.h, ExpireSession).
  virtual std::string session_password() const = 0;
};

// The client of the current session, for code that outlives sessions (null while there is
// none). The owner replaces the client when a session expires.
using ZkClientSource = std::function<std::shared_ptr<ZkClient>()>;

}  // namespace ringlog
