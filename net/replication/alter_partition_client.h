// AlterPartitionClient: how a partition leader sends its ISR changes to the controller
// (AlterPartition, API 56, at version 1: topics by name) and reads the controller's
// answers. The real client sends to the controller the cluster snapshot names, over a
// blocking connection of its own (ControllerChannel), one request at a time.
//
// Thread safety: thread-safe (requests are serialised).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"
#include "net/codec/error_code.h"
#include "net/replication/leader_replicas.h"

namespace ringlog {

class ClusterView;

// A proposed ISR for a partition, against the state at `partition_epoch`.
struct IsrChange {
  PartitionId partition;
  int32_t leader_epoch = 0;
  int32_t partition_epoch = -1;
  std::vector<int32_t> new_isr;
};

// The controller's answer for one change: kNone with the state now in force (its
// leader_epoch, isr and partition_epoch; replicas empty), or the error.
struct IsrChangeAnswer {
  PartitionId partition;
  ErrorCode error = ErrorCode::kNone;
  int32_t leader_id = -1;
  LeaderAssignment state;
};

class AlterPartitionClient {
 public:
  virtual ~AlterPartitionClient() = default;

  // Sends `changes` in one request (as broker `broker_id`) and returns one answer per
  // change, in the same order (a change the response leaves out answers
  // UNKNOWN_SERVER_ERROR). Busy when there is no controller, it cannot be reached or does
  // not answer in time, or answers NOT_CONTROLLER: the changes may be sent again later.
  // IOError / Corruption for a broken exchange or an undecodable response.
  virtual Result<std::vector<IsrChangeAnswer>> Send(const std::vector<IsrChange>& changes) = 0;
};

// The client of broker `broker_id` sending to the controller of `cluster`'s snapshot, each
// exchange within `timeout`. `cluster` must outlive it.
std::unique_ptr<AlterPartitionClient> MakeAlterPartitionClient(int32_t broker_id,
                                                               ClusterView* cluster,
                                                               std::chrono::milliseconds timeout);

// The request frame (header v2 and body, without the size prefix) of `changes`.
std::string EncodeAlterPartitionFrame(int32_t broker_id, int32_t correlation_id,
                                      const std::vector<IsrChange>& changes);
// The answers to `changes` in `response_frame` (header v1 and body, without the size
// prefix), as Send returns them.
Result<std::vector<IsrChangeAnswer>> DecodeAlterPartitionAnswers(
    std::string_view response_frame, const std::vector<IsrChange>& changes);

}  // namespace ringlog
