#include "net/broker/partition_watchers.h"

#include <utility>

namespace ringlog {

PartitionWatchers::WatchId PartitionWatchers::Watch(uint64_t connection_id,
                                                    const std::vector<PartitionId>& partitions,
                                                    Ends waits_for, LoopExecutor* loop,
                                                    Callback callback) {
  std::lock_guard<std::mutex> lock(mu_);
  const WatchId id = next_id_++;
  for (const PartitionId& p : partitions) by_partition_[p].insert(id);
  by_connection_[connection_id].insert(id);
  watchers_.emplace(id, Watcher{connection_id, partitions, waits_for, loop, std::move(callback)});
  return id;
}

void PartitionWatchers::Unwatch(WatchId id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (watchers_.contains(id)) TakeLocked(id);
}

void PartitionWatchers::Notify(const PartitionId& partition, Ends moved) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_partition_.find(partition);
  if (it == by_partition_.end()) return;
  const std::unordered_set<WatchId> ids = it->second;
  for (WatchId id : ids) {
    const Ends waits_for = watchers_.at(id).waits_for;
    if ((static_cast<uint8_t>(waits_for) & static_cast<uint8_t>(moved)) == 0) continue;
    Watcher watcher = TakeLocked(id);
    // Posted under the lock: CloseConnection cannot return in between, so the loop is
    // still alive. Post only queues, it never calls back into this class.
    watcher.loop->Post([callback = std::move(watcher.callback)] { callback(Wake::kData); });
  }
}

void PartitionWatchers::CloseConnection(uint64_t connection_id) {
  std::vector<Callback> closed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_connection_.find(connection_id);
    if (it == by_connection_.end()) return;
    const std::unordered_set<WatchId> ids = it->second;
    for (WatchId id : ids) closed.push_back(TakeLocked(id).callback);
  }
  for (Callback& callback : closed) callback(Wake::kClosed);
}

size_t PartitionWatchers::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watchers_.size();
}

PartitionWatchers::Watcher PartitionWatchers::TakeLocked(WatchId id) {
  auto node = watchers_.extract(id);
  Watcher watcher = std::move(node.mapped());
  for (const PartitionId& p : watcher.partitions) {
    auto it = by_partition_.find(p);
    if (it == by_partition_.end()) continue;  // listed twice, removed already
    it->second.erase(id);
    if (it->second.empty()) by_partition_.erase(it);
  }
  auto conn = by_connection_.find(watcher.connection_id);
  conn->second.erase(id);
  if (conn->second.empty()) by_connection_.erase(conn);
  return watcher;
}

}  // namespace ringlog
