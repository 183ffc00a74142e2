// The WriteTxnMarkers exchange as the marker writer speaks it to another broker: the
// request frame for a batch of markers (version 1, flexible), and the leader's answer for
// each of their partitions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/control_batch.h"
#include "engine/status.h"
#include "engine/types.h"
#include "net/codec/error_code.h"

namespace ringlog {

// One marker and the partitions that should get it. A batch holds at most one entry per
// producer id: the leader answers by producer id.
struct MarkerBatchEntry {
  ControlMarker marker;
  std::vector<PartitionId> partitions;
};

// The request frame (header v2 and body, without the size prefix).
std::string EncodeWriteTxnMarkersFrame(int32_t correlation_id,
                                       const std::vector<MarkerBatchEntry>& entries);

// For each entry, the error of each of its partitions (same order) in `response_frame`
// (header v1 and body, without the size prefix); UNKNOWN_SERVER_ERROR for a partition the
// response leaves out. InvalidArgument for an undecodable response.
Result<std::vector<std::vector<ErrorCode>>> DecodeWriteTxnMarkersAnswers(
    std::string_view response_frame, const std::vector<MarkerBatchEntry>& entries);

}  // namespace ringlog
