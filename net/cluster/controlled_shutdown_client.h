// The broker's side of a controlled shutdown (Kafka's controlled.shutdown.enable): before a
// cluster broker stops serving, it asks the controller (ControlledShutdown, API 7) to move
// its leaderships to other in-sync replicas, and waits until its own cluster snapshot shows
// that it leads no partition that has another live ISR member. The broker keeps serving
// meanwhile: followers still fetch from it, and producers that reach it after a leadership
// moved hear NOT_LEADER_OR_FOLLOWER and go to the new leader. What it still leads then are
// partitions where it is the last replica in sync; they go offline when it stops, as they
// would without the request.
//
// The request goes to the controller the snapshot names, over a connection of its own; it
// is sent again when the controller refuses it (NOT_CONTROLLER, REQUEST_TIMED_OUT), cannot
// be reached, or changes (a new controller knows nothing of the shutdown).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"
#include "net/cluster/cluster_snapshot.h"
#include "net/cluster/cluster_view.h"
#include "net/cluster/zk_client.h"
#include "net/codec/error_code.h"

namespace ringlog {

struct ControlledShutdownOptions {
  int32_t broker_id = -1;
  // How long the whole shutdown may wait for the leaderships to move
  // (--controlled_shutdown_timeout_ms).
  std::chrono::milliseconds timeout{30000};
  // The bound of one exchange with the controller, and the pause after a failed one.
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds retry_backoff{200};
  // Asked between the steps of the wait (at least once a second, and after each exchange
  // with the controller, which may take request_timeout); true ends it early, as an
  // operator's second stop signal does.
  std::function<bool()> give_up;
};

// The partitions `broker_id` leads in `snapshot` that have another live (registered) ISR
// member, which could take over: what a controlled shutdown waits for.
std::vector<PartitionId> MovableLeaderships(const ClusterSnapshot& snapshot, int32_t broker_id);

// Asks the controller of `cluster` to move the leaderships of `options.broker_id`, whose
// registration is read through `zk` (its czxid is the broker epoch), and waits until
// MovableLeaderships of the snapshot is empty. OK when it is (or when there was nothing to
// move and the controller was asked once); Busy naming what is left when options.timeout
// passes or options.give_up says so; NotFound when the broker is not registered (there is nothing
// to ask for then). Blocks; logs each step. `cluster` must be this broker's view and outlive the
// call.
Status RunControlledShutdown(ClusterView& cluster, const ZkClientSource& zk,
                             const ControlledShutdownOptions& options);

// The request frame (header v2 and a version 3 body, without the size prefix).
std::string EncodeControlledShutdownFrame(int32_t broker_id, int64_t broker_epoch,
                                          int32_t correlation_id);

// The controller's answer in `response_frame` (header v1 and a version 3 body, without the
// size prefix).
struct ControlledShutdownAnswer {
  ErrorCode error = ErrorCode::kNone;
  std::vector<PartitionId> remaining;
};
Result<ControlledShutdownAnswer> DecodeControlledShutdownAnswer(std::string_view response_frame);

}  // namespace ringlog
