#include "net/replication/internal_log_replication.h"

#include <chrono>
#include <string>
#include <utility>

#include "net/broker/leader_write.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

// As long as a marker waits for its ISR (local_marker_append.cc).
constexpr std::chrono::milliseconds kReplicationTimeout{30000};

Status ToStatus(const PartitionId& partition, ErrorCode error) {
  if (error == ErrorCode::kNone) return Status::OK();
  const std::string what =
      partition.ToString() + " not replicated (error " + std::to_string(ToWire(error)) + ")";
  // NotFound: the coordinator answers NOT_COORDINATOR, and the client looks for the new one.
  return error == ErrorCode::kNotLeaderOrFollower ? Status::NotFound(what) : Status::Busy(what);
}

}  // namespace

void InternalLogReplication::Attach(LeaderReplicas* replication, PartitionWatchers* watchers) {
  std::lock_guard lock(mu_);
  replication_ = replication;
  watchers_ = watchers;
}

void InternalLogReplication::Detach() {
  std::lock_guard lock(mu_);
  replication_ = nullptr;
  watchers_ = nullptr;
}

void InternalLogReplication::Await(const std::shared_ptr<PartitionLog>& log, Offset end,
                                   std::function<void(Status)> done) {
  const PartitionId partition = log->id();
  std::unique_lock lock(mu_);
  if (replication_ == nullptr) {
    lock.unlock();  // `done` may write again
    done(Status::Busy(partition.ToString() + " not replicated: the replication is not running"));
    return;
  }
  // The leader's own log end moved: with the leader alone in the ISR, the high watermark
  // follows at once; woken, the followers' fetches take the record without waiting out
  // their replica.fetch.wait.max.ms.
  AnnounceLeaderWrite(replication_, watchers_, partition, log->options().replicated);
  replication_->AwaitHighWatermark(
      partition, end, log->options().min_insync_replicas, kReplicationTimeout,
      [partition, done = std::move(done)](ErrorCode error) { done(ToStatus(partition, error)); });
}

}  // namespace ringlog
