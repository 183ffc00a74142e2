#include "net/cluster/cluster_join.h"

#include <glog/logging.h>

#include <charconv>
#include <cstdio>
#include <thread>

#include "engine/uuid.h"

namespace ringlog {
namespace {

// How often a leftover registration is checked for while it is waited for.
constexpr std::chrono::milliseconds kLeftoverPoll(100);

// The session id a data dir registered with last, or 0 when none is stored.
Result<int64_t> StoredSession(StorageBackend& backend) {
  Result<std::string> stored = backend.GetMeta(kSessionMeta);
  if (!stored.ok()) {
    if (stored.status().IsNotFound()) return int64_t{0};
    return stored.status();
  }
  int64_t id = 0;
  const std::string& text = *stored;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption("meta blob " + std::string(kSessionMeta) + " is not a session id");
  }
  return id;
}

std::string SessionName(int64_t id) {
  char text[24];
  snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(id));
  return text;
}

}  // namespace

Result<std::string> JoinClusterId(ZkClient& zk, StorageBackend& backend) {
  const std::string path(znodes::kClusterId);
  std::string data;
  ZkStatus got = zk.Get(path, &data, nullptr, false);
  if (got.code == ZkCode::kNoNode) {
    // Two brokers may race here: one create wins, the other reads the winner's id.
    ZkStatus parent = zk.CreateRecursive("/cluster");
    if (!parent.ok()) return parent.ToStatus();
    ZkStatus created = zk.Create(path, znodes::EncodeClusterId(Uuid::Random().ToString()), false);
    if (!created.ok() && created.code != ZkCode::kNodeExists) return created.ToStatus();
    got = zk.Get(path, &data, nullptr, false);
  }
  if (!got.ok()) return got.ToStatus();
  ASSIGN_OR_RETURN(std::string cluster_id, znodes::DecodeClusterId(data));

  Result<std::string> stored = backend.GetMeta(kClusterIdMeta);
  if (!stored.ok()) {
    if (!stored.status().IsNotFound()) return stored.status();
    RETURN_IF_ERROR(backend.PutMeta(kClusterIdMeta, cluster_id));
    return cluster_id;
  }
  if (*stored != cluster_id) {
    return Status::InvalidArgument("the data dir belongs to cluster " + *stored +
                                   ", but ZooKeeper holds cluster " + cluster_id +
                                   "; use this data dir with its own cluster, or a new data dir");
  }
  return cluster_id;
}

Status EnsureClusterPaths(ZkClient& zk) {
  for (std::string_view path : {znodes::kBrokerIds, znodes::kTopics, znodes::kTopicConfigs}) {
    ZkStatus created = zk.CreateRecursive(std::string(path));
    if (!created.ok()) return created.ToStatus();
  }
  return Status::OK();
}

Status RegisterBroker(ZkClient& zk, StorageBackend& backend,
                      const znodes::BrokerRegistration& broker,
                      std::chrono::milliseconds leftover_wait) {
  ASSIGN_OR_RETURN(const int64_t previous, StoredSession(backend));
  const int64_t session = zk.session_id();
  const std::string path = znodes::BrokerPath(broker.broker_id);
  const std::string data = znodes::EncodeBrokerRegistration(broker);
  const auto deadline = std::chrono::steady_clock::now() + leftover_wait;
  bool logged_wait = false;
  while (true) {
    ZkStat stat;
    ZkStatus exists = zk.Exists(path, &stat, false);
    if (exists.code == ZkCode::kNoNode) {
      // Stored first, so that a broker killed right after the create knows the node is its
      // own when it starts again.
      if (previous != session) {
        RETURN_IF_ERROR(backend.PutMeta(kSessionMeta, std::to_string(session)));
      }
      ZkStatus created = zk.Create(path, data, /*ephemeral=*/true);
      if (created.ok()) return Status::OK();
      if (created.code != ZkCode::kNodeExists) return created.ToStatus();
      continue;  // someone else's create came first: look at whose it is
    }
    if (!exists.ok()) return exists.ToStatus();
    if (stat.ephemeral_owner == session) return Status::OK();  // a create retried
    if (previous == 0 || stat.ephemeral_owner != previous) {
      return Status::AlreadyExists("broker id " + std::to_string(broker.broker_id) +
                                   " is already registered (" + path + " held by session " +
                                   SessionName(stat.ephemeral_owner) +
                                   "); give each broker its own --broker_id");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Busy(path + " of this broker's previous session " + SessionName(previous) +
                          " did not go within " + std::to_string(leftover_wait.count()) + " ms");
    }
    if (!logged_wait) {
      LOG(INFO) << "waiting for ZooKeeper to expire this broker's previous session "
                << SessionName(previous) << ", which still holds " << path;
      logged_wait = true;
    }
    std::this_thread::sleep_for(kLeftoverPoll);
  }
}

}  // namespace ringlog
