// The verify-only AddPartitionsToTxn exchange (KIP-890 part 1) as a broker speaks it to a
// transaction coordinator on another broker: the request frame for a batch of
// transactions (version 5, flexible) and the coordinator's answer for each of their
// partitions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"
#include "net/codec/error_code.h"

namespace ringlog {

// One transaction to verify. A batch holds at most one entry per transactional id: the
// coordinator answers by transactional id.
struct VerifyEntry {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  std::vector<PartitionId> partitions;
};

// The request frame (header v2 and body, without the size prefix).
std::string EncodeVerifyPartitionsFrame(int32_t correlation_id,
                                        const std::vector<VerifyEntry>& entries);

// For each entry, the coordinator's code for each of its partitions in `response_frame`
// (header v1 and body, without the size prefix): the response's top-level error when it
// has one, UNKNOWN_SERVER_ERROR for a partition it leaves out. InvalidArgument for an
// undecodable response.
Result<std::vector<std::map<PartitionId, ErrorCode>>> DecodeVerifyPartitionsAnswers(
    std::string_view response_frame, const std::vector<VerifyEntry>& entries);

}  // namespace ringlog
