// HeldReplicaWaits: a fake of a cluster's wait for the in-sync replicas of an internal topic
// (AwaitReplicasFn, as the offsets and transaction state stores take it). Each call is kept,
// unanswered, until the test runs its `done`, so a test sees what the store acknowledges
// before and after its records are "replicated".
//
// Not thread-safe: for stores that flush on the calling thread (no Flusher).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "engine/log/internal_topic_log.h"
#include "engine/log/partition_log.h"
#include "engine/status.h"

namespace ringlog::testing {

class HeldReplicaWaits {
 public:
  struct Wait {
    PartitionId partition;
    Offset end = 0;
    Offset flushed_before = 0;  // the log's flushed offset when the wait began
    std::function<void(Status)> done;
  };

  // The wait to give a store; it must not outlive this object.
  AwaitReplicasFn Fn() {
    return [this](const std::shared_ptr<PartitionLog>& log, Offset end,
                  std::function<void(Status)> done) {
      waits_.push_back({log->id(), end, log->flushed_offset(), std::move(done)});
    };
  }

  // Every call so far, oldest first.
  std::vector<Wait>& waits() { return waits_; }

 private:
  std::vector<Wait> waits_;
};

}  // namespace ringlog::testing
