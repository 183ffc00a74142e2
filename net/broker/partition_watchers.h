// PartitionWatchers: wake-ups for long-polling fetches. A fetch that found too little data
// watches its partitions; a produce that appended to a partition notifies it; the watch's
// callback then runs on the fetch's own event loop (posted through its LoopExecutor), where
// the fetch reads again. Watches are one-shot: the first notification removes a watch, and
// a fetch that still wants more data watches again.
//
// A watch names the end of the log its fetch reads up to: a consumer the high watermark, a
// follower the log end. On a replicated log the two move apart (a write moves the log end,
// the followers' fetches then the high watermark), and a notification wakes only the
// watches of the end that moved, so that neither kind of fetch reads again for nothing.
//
// A watch belongs to a connection. When the connection closes, its watches are removed
// and their callbacks run once with kClosed, so that the fetch cancels its timer and drops
// what it holds. No callback is posted to a loop after its connection's CloseConnection
// returned, which is what keeps posting safe while the server stops its loops.
//
// Thread safety: thread-safe. Callbacks never run under the registry's lock.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/types.h"
#include "net/server/request_handler.h"

namespace ringlog {

class PartitionWatchers {
 public:
  enum class Wake { kData, kClosed };
  // Ends of a partition's log, as a set: which ends a notification moved, or which a
  // watch waits for. A write to a log that is not replicated moves both.
  enum class Ends : uint8_t { kLogEnd = 1, kHighWatermark = 2, kBoth = 3 };
  using Callback = std::function<void(Wake)>;
  using WatchId = uint64_t;

  PartitionWatchers() = default;
  PartitionWatchers(const PartitionWatchers&) = delete;
  PartitionWatchers& operator=(const PartitionWatchers&) = delete;

  // Registers a one-shot watch on `partitions` for connection `connection_id`, waiting for
  // the ends `waits_for` to move. `callback` runs at most once: posted to `loop` with kData
  // after the first Notify of any of the partitions that moved one of those ends, or with
  // kClosed from CloseConnection. `loop` must stay valid until the connection's
  // CloseConnection.
  WatchId Watch(uint64_t connection_id, const std::vector<PartitionId>& partitions, Ends waits_for,
                LoopExecutor* loop, Callback callback);
  // Removes the watch when still registered: its callback will not be posted any more
  // (one posted already still runs). A no-op for a watch that fired or was removed.
  void Unwatch(WatchId id);
  // The ends `moved` of `partition` moved: posts kData to every watch on it waiting for one
  // of them and removes those watches.
  void Notify(const PartitionId& partition, Ends moved);
  // Removes every watch of the connection and runs each callback with kClosed on the
  // calling thread, which must be the connection's loop thread.
  void CloseConnection(uint64_t connection_id);

  // Watches registered now (for tests and metrics).
  size_t size() const;

 private:
  struct Watcher {
    uint64_t connection_id = 0;
    std::vector<PartitionId> partitions;
    Ends waits_for = Ends::kBoth;
    LoopExecutor* loop = nullptr;
    Callback callback;
  };

  // REQUIRES: mu_. Removes the watch from every index and returns it.
  Watcher TakeLocked(WatchId id);

  mutable std::mutex mu_;
  WatchId next_id_ = 1;
  std::unordered_map<WatchId, Watcher> watchers_;
  std::unordered_map<PartitionId, std::unordered_set<WatchId>> by_partition_;
  std::unordered_map<uint64_t, std::unordered_set<WatchId>> by_connection_;
};

}  // namespace ringlog
