#include "net/txn/local_marker_append.h"

#include <glog/logging.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <utility>

#include "engine/group/group_coordinator.h"
#include "engine/log/flusher.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/partition_route.h"
#include "net/broker/leader_write.h"
#include "net/broker/partition_watchers.h"
#include "net/replication/leader_replicas.h"

namespace ringlog {
namespace {

// How long a marker waits for the ISR, as Kafka's handler waits request.timeout.ms.
constexpr std::chrono::milliseconds kReplicationTimeout{30000};

// The waits of one appended marker (its flush, its replication): the last one to end
// completes the group's transaction when all went well, then reports the first error.
class MarkerWaits {
 public:
  MarkerWaits(int waits, std::function<void()> on_written, std::function<void(ErrorCode)> done)
      : remaining_(waits), on_written_(std::move(on_written)), done_(std::move(done)) {}

  void End(ErrorCode error) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (first_error_ == ErrorCode::kNone) first_error_ = error;
    }
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    ErrorCode outcome;
    {
      std::lock_guard<std::mutex> lock(mu_);
      outcome = first_error_;
    }
    if (outcome == ErrorCode::kNone && on_written_) on_written_();
    done_(outcome);
  }

 private:
  std::atomic<int> remaining_;
  std::mutex mu_;
  ErrorCode first_error_ = ErrorCode::kNone;
  const std::function<void()> on_written_;
  const std::function<void(ErrorCode)> done_;
};

}  // namespace

void AppendLocalMarker(const BrokerServices& services, const PartitionId& partition,
                       const ControlMarker& marker, std::function<void(ErrorCode)> done) {
  const ErrorCode route = RoutePartition(services.cluster, partition);
  if (route != ErrorCode::kNone) return done(route);
  std::shared_ptr<PartitionLog> log = services.logs->GetPartition(partition);
  if (log == nullptr) return done(ErrorCode::kUnknownTopicOrPartition);
  LeaderReplicas* replication = services.replication;
  const int32_t min_insync = log->options().min_insync_replicas;
  if (replication != nullptr) {
    const ErrorCode insync = replication->CheckInsync(partition, min_insync);
    if (insync != ErrorCode::kNone) return done(insync);
  }
  Result<AppendResult> appended = log->AppendMarker(marker);
  if (!appended.ok()) {
    LOG(WARNING) << "transaction marker for producer " << marker.producer_id << " refused by "
                 << partition.ToString() << ": " << appended.status().ToString();
    return done(ToErrorCode(appended.status()));
  }
  AnnounceLeaderWrite(replication, services.watchers, partition, log->options().replicated);

  std::function<void()> on_written;
  if (partition.topic == kConsumerOffsetsTopic && services.groups != nullptr) {
    on_written = [groups = services.groups, partition = partition.partition,
                  producer_id = marker.producer_id, type = marker.type] {
      groups->CompleteTransaction(partition, producer_id, type);
    };
  }
  const bool flush = services.flusher != nullptr && services.config.flush_on_acks_all;
  // One count for this function, so that no wait can finish the marker before both started.
  auto waits = std::make_shared<MarkerWaits>(1 + (flush ? 1 : 0) + (replication ? 1 : 0),
                                             std::move(on_written), std::move(done));
  if (replication != nullptr) {
    replication->AwaitHighWatermark(partition, appended->last_offset + 1, min_insync,
                                    kReplicationTimeout,
                                    [waits](ErrorCode replicated) { waits->End(replicated); });
  }
  if (flush) {
    services.flusher->FlushAsync(std::move(log), appended->last_offset,
                                 [waits](Status status) { waits->End(ToErrorCode(status)); });
  }
  waits->End(ErrorCode::kNone);
}

}  // namespace ringlog
